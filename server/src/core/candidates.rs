//! Candidates and their target jobs.

use resume_proto::{job::FileType, redis::cache, time::to_timestamp, v1};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set, TransactionTrait,
    sea_query::Expr,
};
use serde::{Deserialize, Serialize};

use crate::{
    AppState,
    core::{documents, imports, jobs, openings, page, validate},
    db::{self, candidate, candidate_job, opening, resume_job},
    error::{Error, Result},
};

/// The parts of a candidate stored as one JSON document.
#[derive(Serialize, Deserialize)]
struct Profile {
    links: Vec<v1::Link>,
    skills: Vec<String>,
    experience: Vec<v1::Experience>,
    education: Vec<v1::Education>,
    certifications: Vec<v1::Certification>,
}

/// The candidate row as the API shows it.
pub fn to_proto(row: candidate::Model) -> Result<v1::Candidate> {
    let profile: Profile =
        serde_json::from_str(&row.profile).map_err(|e| Error::Corrupt(format!("candidate {} profile: {e}", row.id)))?;
    Ok(v1::Candidate {
        id: row.id,
        full_name: row.full_name,
        email: row.email,
        phone: row.phone,
        location: row.location,
        headline: row.headline,
        summary: row.summary,
        links: profile.links,
        skills: profile.skills,
        experience: profile.experience,
        education: profile.education,
        certifications: profile.certifications,
        created_at: Some(to_timestamp(row.created_at)),
    })
}

pub(crate) fn job_to_proto(row: candidate_job::Model) -> v1::CandidateJob {
    v1::CandidateJob {
        id: row.id,
        candidate_id: row.candidate_id,
        title: row.title,
        company: row.company,
        description: row.description,
        created_at: Some(to_timestamp(row.created_at)),
        opening_id: row.opening_id,
    }
}

/// The stored columns of a candidate: (full_name, email, phone, location, headline,
/// summary, profile JSON), after validation.
type Columns = (String, Option<String>, Option<String>, Option<String>, Option<String>, Option<String>, String);

fn columns(c: v1::Candidate) -> Result<Columns> {
    validate::candidate(&c)?;
    let v1::Candidate {
        id: _,
        full_name,
        email,
        phone,
        location,
        headline,
        summary,
        links,
        skills,
        experience,
        education,
        certifications,
        created_at: _,
    } = c;
    let profile = Profile { links, skills, experience, education, certifications };
    let profile = serde_json::to_string(&profile).map_err(|e| Error::Corrupt(e.to_string()))?;
    Ok((full_name, email, phone, location, headline, summary, profile))
}

/// Stores a new candidate for `owner`; with `import_id`, the SUCCESS import it was
/// reviewed from is marked accepted into it in the same transaction (its file deleted).
pub async fn create(state: &AppState, owner: &str, c: v1::Candidate, import_id: &str) -> Result<v1::Candidate> {
    let (full_name, email, phone, location, headline, summary, profile) = columns(c)?;
    let row = candidate::ActiveModel {
        owner: Set(owner.to_owned()),
        full_name: Set(full_name),
        email: Set(email),
        phone: Set(phone),
        location: Set(location),
        headline: Set(headline),
        summary: Set(summary),
        profile: Set(profile),
        created_at: Set(db::now()),
        ..Default::default()
    };
    if import_id.is_empty() {
        return to_proto(row.insert(&state.db).await?);
    }
    let txn = state.db.begin().await?;
    let row = row.insert(&txn).await?;
    imports::accept(state, &txn, owner, import_id, row.id).await?;
    txn.commit().await?;
    tracing::info!(candidate_id = row.id, import_id, "candidate created from an import");
    to_proto(row)
}

/// Replaces every field of `owner`'s candidate `id`.
pub async fn update(state: &AppState, owner: &str, id: i64, c: v1::Candidate) -> Result<v1::Candidate> {
    let (full_name, email, phone, location, headline, summary, profile) = columns(c)?;
    let row = find(state, owner, id).await?;
    let mut row: candidate::ActiveModel = row.into();
    row.full_name = Set(full_name);
    row.email = Set(email);
    row.phone = Set(phone);
    row.location = Set(location);
    row.headline = Set(headline);
    row.summary = Set(summary);
    row.profile = Set(profile);
    to_proto(row.update(&state.db).await?)
}

/// Deletes `owner`'s candidate `id` and everything made from them: running jobs are
/// cancelled first (their workers drop them), then every result cached for them (listed
/// under the candidate by the workers that cached it, whatever data, target or file type it
/// was made from), then the rows (target jobs, resume jobs, their contents and their
/// references to documents go with the candidate, by the schema's cascades), then the
/// documents no remaining job returns. The imports accepted into them go with their jobs.
pub async fn delete(state: &AppState, owner: &str, id: i64) -> Result<()> {
    let candidate = to_proto(find(state, owner, id).await?)?;
    jobs::cancel_running(state, resume_job::Column::CandidateId.eq(id), &format!("{owner}, deleting the candidate"))
        .await?;
    let cached = state.cache.erase(&candidate, &current_keys(state, owner, &candidate).await?).await?;
    let documents = documents::documents_of(state, resume_job::Column::CandidateId.eq(id)).await?;
    if let Err(error) = candidate::Entity::delete_by_id(id).exec(&state.db).await {
        // Still there: their results may be cached again.
        if let Err(error) = state.cache.unerase(&candidate).await {
            tracing::warn!(candidate_id = id, %error, "could not lift the erasure marker; it expires");
        }
        return Err(error.into());
    }
    documents::delete_unreferenced(state, &documents).await;
    tracing::info!(candidate_id = id, documents = documents.len(), cached, "candidate deleted");
    Ok(())
}

/// The cache keys of every request `candidate`'s current data makes (each target job, or
/// none; each document, anonymised or not; each file type; the content): entries a worker older than the candidates' lists
/// of entries cached without listing them.
async fn current_keys(state: &AppState, owner: &str, candidate: &v1::Candidate) -> Result<Vec<String>> {
    let targets = candidate_job::Entity::find()
        .filter(candidate_job::Column::CandidateId.eq(candidate.id))
        .all(&state.db)
        .await?
        .into_iter()
        .map(job_to_proto)
        .collect::<Vec<_>>();
    let generator = &state.cache.generator;
    let mut keys = Vec::new();
    for target in std::iter::once(None).chain(targets.iter().map(Some)) {
        for variant in cache::Variant::all() {
            keys.push(cache::content_key(owner, candidate, target, variant, generator));
            keys.extend(
                FileType::ALL.iter().map(|t| cache::key(owner, candidate, target, variant, t.as_str(), generator)),
            );
        }
    }
    Ok(keys)
}

/// Deletes the target job `id` of `owner`'s candidate `candidate_id`; the resume jobs made
/// for it stay, as general ones.
pub async fn delete_job(state: &AppState, owner: &str, candidate_id: i64, id: i64) -> Result<()> {
    // Owner and candidate are checked with the row: another user's is NOT_FOUND.
    job_by_id(state, owner, candidate_id, id).await?;
    candidate_job::Entity::delete_by_id(id).exec(&state.db).await?;
    Ok(())
}

/// The candidate `id` of `owner`, or NOT_FOUND.
pub async fn find(state: &AppState, owner: &str, id: i64) -> Result<candidate::Model> {
    Ok(find_with_budget(state, owner, id).await?.candidate)
}

/// The same, with `owner`'s budget override.
pub async fn find_with_budget(state: &AppState, owner: &str, id: i64) -> Result<candidate::WithBudget> {
    validate::positive_id("candidate_id", id)?;
    state
        .by_key
        .candidates
        .get(id)
        .await?
        .filter(|row| row.candidate.owner == owner)
        .ok_or_else(|| Error::NotFound(format!("candidate {id} not found")))
}

/// The candidate `id` of `owner` as the API shows it.
pub async fn get(state: &AppState, owner: &str, id: i64) -> Result<v1::Candidate> {
    to_proto(find(state, owner, id).await?)
}

/// One page of `owner`'s candidates, newest first (as every list), and the token of the
/// next page.
pub async fn list(
    state: &AppState,
    owner: &str,
    limit: Option<i32>,
    page_token: &str,
) -> Result<(Vec<v1::Candidate>, Option<String>)> {
    let limit = page::limit(limit)?;
    let mut query = candidate::Entity::find().filter(candidate::Column::Owner.eq(owner));
    // A key says its direction (`<` an id: those below it), so that a token of the
    // oldest-first order this list had before is refused rather than read backwards.
    if let Some(below) = page::after_key(page_token, |key| key.strip_prefix('<')?.parse::<i64>().ok())? {
        query = query.filter(candidate::Column::Id.lt(below));
    }
    let rows = query.order_by_desc(candidate::Column::Id).limit(limit + 1).all(&state.db).await?;
    let (rows, next) = page::split(rows, limit, |row| format!("<{}", row.id));
    let candidates = rows.into_iter().map(to_proto).collect::<Result<_>>()?;
    Ok((candidates, next))
}

/// The target job `id` of `owner`'s candidate `candidate_id`, as the API shows it, or
/// NOT_FOUND.
pub async fn job_by_id(state: &AppState, owner: &str, candidate_id: i64, id: i64) -> Result<v1::CandidateJob> {
    validate::positive_id("job_row_id", id)?;
    owned_target(state.by_key.targets.get(id).await?, owner, candidate_id, id)
}

/// Target job row `found` (read by its id `id`) as the API shows it, when it is one of
/// `owner`'s candidate `candidate_id`'s; NOT_FOUND otherwise.
pub fn owned_target(
    found: Option<candidate_job::Model>,
    owner: &str,
    candidate_id: i64,
    id: i64,
) -> Result<v1::CandidateJob> {
    found
        .filter(|row| row.owner == owner && row.candidate_id == candidate_id)
        .map(job_to_proto)
        .ok_or_else(|| Error::NotFound(format!("job_row_id {id} not found for candidate {candidate_id}")))
}

/// Stores a target job for one of `owner`'s candidates: its own text, or a copy of one of
/// `owner`'s openings (which follows the opening's edits).
pub async fn create_job(state: &AppState, owner: &str, req: v1::CreateCandidateJobRequest) -> Result<v1::CandidateJob> {
    validate::candidate_job(&req)?;
    let v1::CreateCandidateJobRequest { candidate_id, title, company, description, opening_id } = req;
    find(state, owner, candidate_id).await?;
    let row = match opening_id {
        Some(opening_id) => target_of(owner, candidate_id, &openings::find(state, owner, opening_id).await?),
        None => candidate_job::ActiveModel {
            candidate_id: Set(candidate_id),
            owner: Set(owner.to_owned()),
            title: Set(title),
            company: Set(company),
            description: Set(description),
            created_at: Set(db::now()),
            ..Default::default()
        },
    };
    Ok(job_to_proto(row.insert(&state.db).await?))
}

/// A new target job of `owner`'s candidate `candidate_id` that points at `opening` (with a
/// copy of its text).
pub(crate) fn target_of(owner: &str, candidate_id: i64, opening: &opening::Model) -> candidate_job::ActiveModel {
    candidate_job::ActiveModel {
        candidate_id: Set(candidate_id),
        owner: Set(owner.to_owned()),
        title: Set(opening.title.clone()),
        company: Set(Some(opening.company.clone())),
        description: Set(opening.description.clone()),
        created_at: Set(db::now()),
        opening_id: Set(Some(opening.id)),
        ..Default::default()
    }
}

/// Replaces the title, company and description of the target job `id` of `owner`'s
/// candidate `candidate_id` (validated as on creation; another user's is NOT_FOUND); one
/// that pointed at an opening no longer does (it keeps its own text from now on). The
/// resume jobs made for it still name it; the cache keys hash the target's text, so a later
/// generation is made for the new posting, never answered with a resume of the old one.
pub async fn update_job(state: &AppState, owner: &str, req: v1::UpdateCandidateJobRequest) -> Result<v1::CandidateJob> {
    validate::candidate_job_update(&req)?;
    let v1::UpdateCandidateJobRequest { candidate_id, id, title, company, description } = req;
    // Owner and candidate are checked by the update itself: no row of theirs, no change.
    let updated = candidate_job::Entity::update_many()
        .col_expr(candidate_job::Column::Title, Expr::value(title))
        .col_expr(candidate_job::Column::Company, Expr::value(company))
        .col_expr(candidate_job::Column::Description, Expr::value(description))
        .col_expr(candidate_job::Column::OpeningId, Expr::value(Option::<i64>::None))
        .filter(candidate_job::Column::Id.eq(id))
        .filter(candidate_job::Column::CandidateId.eq(candidate_id))
        .filter(candidate_job::Column::Owner.eq(owner))
        .exec(&state.db)
        .await?;
    if updated.rows_affected == 0 {
        return Err(Error::NotFound(format!("job_row_id {id} not found for candidate {candidate_id}")));
    }
    tracing::info!(candidate_id, job_row_id = id, "target job edited");
    job_by_id(state, owner, candidate_id, id).await
}

/// Every target job of one of `owner`'s candidates, oldest first.
pub async fn list_jobs(state: &AppState, owner: &str, candidate_id: i64) -> Result<Vec<v1::CandidateJob>> {
    find(state, owner, candidate_id).await?;
    let rows = candidate_job::Entity::find()
        .filter(candidate_job::Column::CandidateId.eq(candidate_id))
        .filter(candidate_job::Column::Owner.eq(owner))
        .order_by_asc(candidate_job::Column::Id)
        .all(&state.db)
        .await?;
    Ok(rows.into_iter().map(job_to_proto).collect())
}
