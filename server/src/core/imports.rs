//! Imports: a resume file (or pasted text) read into a candidate draft by a job of kind
//! `import`, on the same queues, workers, retries and timeline as resumes. The job row
//! holds its status and progress; `candidate_import` holds the file until the draft is
//! accepted (a candidate created from it) or the import is deleted, and the draft once read.

use prost::Message as _;
use resume_proto::{
    job::{FileType, ImportFormat, JobKind, JobStatus, Priority},
    redis::{keys::Queue, task},
    time::to_timestamp,
    v1,
};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
    sea_query::{Expr, ExprTrait, Func},
};

use crate::{
    AppState,
    core::{
        jobs,
        lifecycle::{self, Completion, Move},
        page, validate, view,
    },
    db::{
        self, candidate, candidate_import,
        job_event::Kind,
        resume_job,
        writer::{Event, Kept},
    },
    error::{Error, Result},
};

/// The content type of pasted text.
const PASTED: &str = "text/plain; charset=utf-8";

/// What an upload is, once checked: its name, type, format and bytes.
struct Upload {
    filename: Option<String>,
    content_type: String,
    format: ImportFormat,
    data: Vec<u8>,
}

/// Checks a request's file or text: exactly one of them, not empty, within `max_bytes`, of
/// a format an import takes.
fn upload(req: v1::CreateImportRequest, max_bytes: usize) -> Result<Upload> {
    let v1::CreateImportRequest { filename, content_type, data, text } = req;
    let too_large = |size: usize| {
        Error::InvalidArgument(format!(
            "the file is {} KiB; an import takes at most {} KiB (IMPORT_MAX_BYTES)",
            size.div_ceil(1024),
            max_bytes / 1024
        ))
    };
    if let Some(text) = text {
        if !data.is_empty() || !filename.is_empty() {
            return Err(Error::InvalidArgument("give either a file or text, not both".into()));
        }
        if text.trim().is_empty() {
            return Err(Error::InvalidArgument("text is empty: paste the resume's text".into()));
        }
        if text.len() > max_bytes {
            return Err(too_large(text.len()));
        }
        return Ok(Upload {
            filename: None,
            content_type: PASTED.into(),
            format: ImportFormat::Text,
            data: text.into_bytes(),
        });
    }
    let filename = validate::printable(&filename);
    validate::bounded("filename", &filename, 255)?;
    if data.is_empty() {
        return Err(Error::InvalidArgument(format!("{filename} is empty: there is nothing in it to import")));
    }
    if data.len() > max_bytes {
        return Err(too_large(data.len()));
    }
    let format = ImportFormat::of_upload(&filename, &content_type).ok_or_else(|| {
        Error::InvalidArgument(format!("{filename} is not a type we import: we take {}", ImportFormat::TAKEN))
    })?;
    let content_type = if content_type.trim().is_empty() { "application/octet-stream".into() } else { content_type };
    let content_type = validate::printable(&content_type);
    validate::bounded("content_type", &content_type, 255)?;
    Ok(Upload { filename: Some(filename), content_type, format, data })
}

/// Stores an import of `owner`'s file and queues its task; the answer does not wait for
/// any worker.
pub async fn create(state: &AppState, owner: &str, req: v1::CreateImportRequest) -> Result<v1::Import> {
    let Upload { filename, content_type, format, data } = upload(req, state.import_max_bytes)?;
    // A file read as text goes to the model, and meets the budget; one read exactly does not.
    if matches!(format, ImportFormat::Pdf | ImportFormat::Docx | ImportFormat::Text) {
        super::budget::admit_import(state, owner).await?;
    }
    state.queue.ensure_connected()?;
    let row = jobs::pending(JobKind::Import, owner, None, None, FileType::default(), Priority::Default);
    let import = candidate_import::Model {
        job_id: row.id.clone(),
        filename,
        content_type,
        size: data.len() as i64,
        format,
        source: Some(data),
        draft: None,
        accepted_at: None,
    };
    let keeps = Kept { import: Some(import.clone()), ..jobs::queued(Priority::Default) };
    state.writer.insert(row.clone(), keeps).await?;
    let work = task::Work { kind: JobKind::Import, ..task::Work::default() };
    if let Err(error) = state.queue.push(&row, work).await {
        jobs::unqueued(state, &row.id).await;
        return Err(error);
    }
    state.metrics.submitted(Queue::of(Priority::Default));
    tracing::info!(job_id = %row.id, %format, size = import.size, "import queued");
    to_proto(row, import.into())
}

/// `owner`'s import `id` (its job row and its own), or NOT_FOUND, also for another user's.
async fn find(state: &AppState, owner: &str, id: &str) -> Result<(resume_job::Model, candidate_import::Shown)> {
    let id = validate::job_id(id).map_err(|_| Error::InvalidArgument("import_id must be a UUID".into()))?;
    let not_found = || Error::NotFound(format!("import {id} not found"));
    let row = state.by_key.jobs.get(id.clone()).await?.filter(|row| row.owner == owner && row.kind == JobKind::Import);
    let row = row.ok_or_else(not_found)?;
    let import = candidate_import::Entity::find_by_id(id.clone())
        .into_partial_model::<candidate_import::Shown>()
        .one(&state.db)
        .await?
        .ok_or_else(not_found)?;
    Ok((row, import))
}

/// `owner`'s import `id` as it is now, and its job as the API shows it (the state the
/// import shows), or NOT_FOUND.
pub async fn with_job(state: &AppState, owner: &str, id: &str) -> Result<(v1::Import, v1::Job)> {
    let (row, import) = find(state, owner, id).await?;
    let job = view::to_proto(row.clone());
    Ok((to_proto(row, import)?, job))
}

/// `owner`'s import `id` as it is now.
pub async fn get(state: &AppState, owner: &str, id: &str) -> Result<v1::Import> {
    let (row, import) = find(state, owner, id).await?;
    to_proto(row, import)
}

/// One page of `owner`'s imports, newest first, and the token of the next page.
pub async fn list(
    state: &AppState,
    owner: &str,
    limit: Option<i32>,
    page_token: &str,
) -> Result<(Vec<v1::Import>, Option<String>)> {
    let query = resume_job::Entity::find()
        .filter(resume_job::Column::Owner.eq(owner))
        .filter(resume_job::Column::Kind.eq(JobKind::Import));
    let (rows, next) = page::of_jobs(&state.db, query, limit, page_token).await?;
    let ids: Vec<&str> = rows.iter().map(|row| row.id.as_str()).collect();
    let mut imports = candidate_import::Entity::find()
        .filter(candidate_import::Column::JobId.is_in(ids))
        .into_partial_model::<candidate_import::Shown>()
        .all(&state.db)
        .await?
        .into_iter()
        .map(|import| (import.job_id.clone(), import))
        .collect::<std::collections::HashMap<_, _>>();
    let listed = rows
        .into_iter()
        .filter_map(|row| imports.remove(&row.id).map(|import| to_proto(row, import)))
        .collect::<Result<_>>()?;
    Ok((listed, next))
}

/// Deletes `owner`'s import `id` with its file and draft (a running one is cancelled
/// first: its worker drops it). A candidate made from it stays.
pub async fn delete(state: &AppState, owner: &str, id: &str) -> Result<()> {
    let (row, _) = find(state, owner, id).await?;
    jobs::cancel_running(state, resume_job::Column::Id.eq(row.id.as_str()), &format!("{owner}, deleting the import"))
        .await?;
    // The import's row and timeline go with its job, by the schema's cascades.
    resume_job::Entity::delete_by_id(row.id.clone()).exec(&state.db).await?;
    tracing::info!(job_id = %row.id, "import deleted");
    Ok(())
}

/// The file a claimed import job reads.
pub async fn file_of(state: &AppState, job_id: &str) -> Result<v1::ImportFile> {
    let import = candidate_import::Entity::find_by_id(job_id.to_owned())
        .one(&state.db)
        .await?
        .ok_or_else(|| Error::Corrupt(format!("import job {job_id} has no import")))?;
    let data = import.source.ok_or_else(|| Error::FailedPrecondition(format!("import {job_id}'s file is gone")))?;
    Ok(v1::ImportFile {
        filename: import.filename.unwrap_or_default(),
        content_type: import.content_type,
        format: import.format.to_string(),
        data,
    })
}

/// Stores a worker's draft and marks the import SUCCESS, in one transaction.
pub async fn complete(state: &AppState, req: v1::CompleteImportRequest) -> Result<v1::Import> {
    let v1::CompleteImportRequest {
        job_id,
        draft,
        warnings,
        prompt_tokens,
        completion_tokens,
        generation_ms,
        cached_tokens,
        model,
    } = req;
    let job_id = validate::job_id(&job_id)?;
    let draft = draft.unwrap_or_default();
    let mut warnings = warnings;
    let owner = jobs::any(state, &job_id).await?.owner;
    warnings.extend(already_a_candidate(state, &owner, &draft).await?);
    let draft = v1::ImportDraft { candidate: Some(draft), warnings };
    let detail = format!(
        "{} warnings; {generation_ms} ms reading, {prompt_tokens} + {completion_tokens} tokens",
        draft.warnings.len()
    );
    let keeps =
        Kept { draft: Some(draft.encode_to_vec()), ..Kept::events([Event::new(Kind::Succeeded).detail(detail)]) };
    let done = Completion {
        filename: None,
        prompt_tokens,
        cached_tokens,
        completion_tokens,
        model: (!model.is_empty()).then_some(model),
        generation_ms,
        cache_hit: false,
    };
    let moved =
        lifecycle::transition(state, Move::Complete(&done), resume_job::Column::Id.eq(job_id.as_str()), keeps).await?;
    let Some(row) = moved.into_iter().next() else {
        let row = jobs::any(state, &job_id).await?;
        return Err(Error::FailedPrecondition(format!("import {job_id} is {}, not PROCESSING", row.status)));
    };
    tracing::info!(%job_id, "import succeeded");
    lifecycle::announce(state, row).await;
    get(state, &owner, &job_id).await
}

/// A warning when `owner` has a candidate with `draft`'s e-mail address (any case), or,
/// for a draft without one, with its name: saving the draft would make a second one.
async fn already_a_candidate(
    state: &AppState,
    owner: &str,
    draft: &v1::Candidate,
) -> Result<Option<v1::ImportWarning>> {
    let email = draft.email.as_deref().map(str::trim).filter(|e| !e.is_empty());
    let name = draft.full_name.trim();
    let (field, what, column, value) = match email {
        Some(email) => ("email", "e-mail address", candidate::Column::Email, email),
        None if !name.is_empty() => ("full_name", "name", candidate::Column::FullName, name),
        None => return Ok(None),
    };
    let found = candidate::Entity::find()
        .filter(candidate::Column::Owner.eq(owner))
        .filter(Expr::expr(Func::lower(Expr::col(column))).eq(value.to_lowercase()))
        .order_by_asc(candidate::Column::Id)
        .one(&state.db)
        .await?;
    Ok(found.map(|c| v1::ImportWarning {
        field: field.to_owned(),
        message: format!(
            "{} (candidate {}) has this {what} already: saving makes a second candidate",
            c.full_name, c.id
        ),
    }))
}

/// Marks `owner`'s SUCCESS import `id` accepted into candidate `candidate_id`, within the
/// transaction `txn` that creates the candidate: its file is deleted, its job row names
/// the candidate (and goes with it). FAILED_PRECONDITION for an import not SUCCESS or
/// already accepted.
pub async fn accept(
    state: &AppState,
    txn: &impl ConnectionTrait,
    owner: &str,
    id: &str,
    candidate_id: i64,
) -> Result<()> {
    let (row, import) = find(state, owner, id).await?;
    if row.status != JobStatus::Success {
        return Err(Error::FailedPrecondition(format!(
            "import {} is {}; a candidate can be made from it once it is SUCCESS",
            row.id, row.status
        )));
    }
    let taken = |candidate: Option<i64>| {
        Error::FailedPrecondition(format!(
            "import {} was already accepted into candidate {}",
            row.id,
            candidate.map_or_else(|| "deleted".to_owned(), |c| c.to_string())
        ))
    };
    if import.accepted_at.is_some() {
        return Err(taken(row.candidate_id));
    }
    // Guarded: of two concurrent acceptances, one finds it taken.
    let accepted = candidate_import::Entity::update_many()
        .col_expr(candidate_import::Column::AcceptedAt, Expr::value(db::now()))
        .col_expr(candidate_import::Column::Source, Expr::value(Option::<Vec<u8>>::None))
        .filter(candidate_import::Column::JobId.eq(row.id.as_str()))
        .filter(candidate_import::Column::AcceptedAt.is_null())
        .exec(txn)
        .await?;
    if accepted.rows_affected != 1 {
        return Err(taken(None));
    }
    resume_job::ActiveModel { id: Set(row.id.clone()), candidate_id: Set(Some(candidate_id)), ..Default::default() }
        .update(txn)
        .await?;
    Ok(())
}

/// An import as the API shows it.
fn to_proto(row: resume_job::Model, import: candidate_import::Shown) -> Result<v1::Import> {
    let candidate_import::Shown { job_id, filename, content_type, size, format, draft, accepted_at } = import;
    let draft = draft
        .map(|bytes| v1::ImportDraft::decode(bytes.as_slice()))
        .transpose()
        .map_err(|e| Error::Corrupt(format!("import {job_id}'s draft: {e}")))?
        .unwrap_or_default();
    Ok(v1::Import {
        import_id: job_id,
        status: row.status.to_string(),
        progress: row.progress,
        source: Some(v1::ImportSource { filename, content_type, bytes: size, format: format.to_string() }),
        draft: draft.candidate,
        warnings: draft.warnings,
        error_message: row.error_message,
        attempts: row.attempts,
        candidate_id: row.candidate_id.filter(|_| accepted_at.is_some()),
        created_at: Some(to_timestamp(row.created_at)),
        started_at: row.started_at.map(to_timestamp),
        completed_at: row.completed_at.map(to_timestamp),
        accepted_at: accepted_at.map(to_timestamp),
        prompt_tokens: row.prompt_tokens,
        completion_tokens: row.completion_tokens,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(name: &str, data: &[u8]) -> v1::CreateImportRequest {
        v1::CreateImportRequest { filename: name.into(), content_type: String::new(), data: data.to_vec(), text: None }
    }

    fn refusal(req: v1::CreateImportRequest) -> String {
        match upload(req, 1024) {
            Err(Error::InvalidArgument(message)) => message,
            other => panic!("not refused: {:?}", other.map(|u| u.format)),
        }
    }

    #[test]
    fn uploads_are_checked_before_anything_is_stored() {
        assert_eq!(upload(file("cv.pdf", b"%PDF-1.7"), 1024).unwrap().format, ImportFormat::Pdf);
        assert_eq!(refusal(file("cv.pdf", b"")), "cv.pdf is empty: there is nothing in it to import");
        assert!(refusal(file("cv.pdf", &[b'x'; 1025])).contains("at most 1 KiB"));
        assert!(refusal(file("cv.png", b"png")).starts_with("cv.png is not a type we import: we take PDF (.pdf)"));
        let pasted = v1::CreateImportRequest { text: Some("Ada Lovelace".into()), ..Default::default() };
        let pasted = upload(pasted, 1024).unwrap();
        assert_eq!((pasted.format, pasted.filename), (ImportFormat::Text, None));
        let blank = v1::CreateImportRequest { text: Some(" \n".into()), ..Default::default() };
        assert!(refusal(blank).starts_with("text is empty"));
        let both = v1::CreateImportRequest { text: Some("Ada".into()), ..file("cv.pdf", b"%PDF") };
        assert_eq!(refusal(both), "give either a file or text, not both");
    }
}
