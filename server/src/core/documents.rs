//! What jobs keep and return: their files (each document stored once, by content, and
//! deleted with the last job that returns it) and the contents they were rendered from
//! (read back for an edit, reused for a request with the same data).

use std::collections::HashSet;

use resume_proto::{
    content::Content,
    job::{Document as DocumentKind, JobKind, JobStatus},
    redis::{cache, task},
};
use sea_orm::{
    ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
    sea_query::{IntoCondition, Query, SimpleExpr},
};

use crate::{
    AppState,
    core::jobs,
    db::{
        self, resume_content, resume_document, resume_file, resume_job,
        writer::{Content as Stored, Document, Event, Kept},
    },
    error::{Error, Result},
};

/// The content a finished job was rendered from, and the content cache key it was made for
/// (empty for none).
pub type Made<'a> = Option<(&'a Content, &'a str)>;

/// What a finished job keeps: `events`, its file and, when there is one, the content it was
/// rendered from (under its content key, if it has one).
pub fn kept(events: Vec<Event>, content_type: String, bytes: Vec<u8>, made: Made<'_>) -> Kept {
    Kept {
        events,
        document: Some(Document::new(content_type, bytes)),
        content: made.map(|(content, key)| Stored {
            encoded: content.encode(),
            key: Some(key).filter(|k| !k.is_empty()).map(str::to_owned),
        }),
        ..Kept::default()
    }
}

/// The documents (their hashes) the jobs `condition` selects return.
pub async fn documents_of(state: &AppState, condition: impl IntoCondition) -> Result<Vec<String>> {
    let jobs = Query::select().column(resume_job::Column::Id).from(resume_job::Entity).cond_where(condition).to_owned();
    let hashes = resume_file::Entity::find()
        .select_only()
        .column(resume_file::Column::DocumentHash)
        .distinct()
        .filter(resume_file::Column::JobId.in_subquery(jobs))
        .into_tuple()
        .all(&state.db)
        .await?;
    Ok(hashes)
}

/// Deletes those of `documents` that no job returns any more. A failure leaves them
/// stored, and is logged: the jobs that returned them are gone all the same.
pub async fn delete_unreferenced(state: &AppState, documents: &[String]) {
    // Well inside either database's limit on bound parameters.
    for hashes in documents.chunks(500) {
        let referenced = Query::select()
            .column(resume_file::Column::DocumentHash)
            .from(resume_file::Entity)
            .and_where(resume_file::Column::DocumentHash.is_in(hashes))
            .to_owned();
        let deleted = resume_document::Entity::delete_many()
            .filter(resume_document::Column::Hash.is_in(hashes))
            .filter(resume_document::Column::Hash.not_in_subquery(referenced))
            .exec(&state.db)
            .await;
        if let Err(error) = deleted {
            tracing::warn!(%error, documents = hashes.len(), "could not delete unreferenced documents");
        }
    }
}

/// Contents made within `CONTENT_REUSE_DAYS`, as a condition; none when reuse is off.
fn young_enough(state: &AppState) -> Option<SimpleExpr> {
    state.cache.reuse.map(|reuse| resume_content::Column::CreatedAt.gte(db::now() - reuse))
}

/// The row of the newest content made for `content_key` (a document's: the key says which)
/// within `CONTENT_REUSE_DAYS`, if reuse is on; [`decode_content`] reads it.
pub async fn reusable_row(state: &AppState, content_key: &str) -> Result<Option<resume_content::Model>> {
    let Some(young) = young_enough(state).filter(|_| !content_key.is_empty()) else {
        return Ok(None);
    };
    Ok(resume_content::Entity::find()
        .filter(resume_content::Column::ContentKey.eq(content_key))
        .filter(young)
        .order_by_desc(resume_content::Column::CreatedAt)
        .one(&state.db)
        .await?)
}

/// Which of `content_keys` have a content made within `CONTENT_REUSE_DAYS` (none if reuse
/// is off): the requests a worker will make without the model. One query.
async fn reusable_keys(state: &AppState, content_keys: &[&str]) -> Result<HashSet<String>> {
    let keys: Vec<&str> = content_keys.iter().copied().filter(|key| !key.is_empty()).collect();
    let Some(young) = young_enough(state).filter(|_| !keys.is_empty()) else {
        return Ok(HashSet::new());
    };
    let found: Vec<String> = resume_content::Entity::find()
        .select_only()
        .column(resume_content::Column::ContentKey)
        .distinct()
        .filter(resume_content::Column::ContentKey.is_in(keys))
        .filter(young)
        .into_tuple()
        .all(&state.db)
        .await?;
    Ok(found.into_iter().collect())
}

/// The content keys of `works` whose requests a worker will make from a stored content,
/// without the model: those that take cached work (not fresh) with a content made within
/// `CONTENT_REUSE_DAYS`. One query.
pub async fn reused(state: &AppState, works: &[&task::Work]) -> Result<HashSet<String>> {
    let keys: Vec<&str> = works
        .iter()
        .filter(|work| cache::takes_cached(JobKind::Generate, work.fresh))
        .map(|work| work.content_key.as_str())
        .collect();
    reusable_keys(state, &keys).await
}

/// A stored content `row` read as a `document`'s.
pub fn decode_content(row: &resume_content::Model, document: DocumentKind) -> Result<Content> {
    Content::decode(document, row.content.as_slice())
        .map_err(|e| Error::Corrupt(format!("job {}: stored content unreadable: {e}", row.job_id)))
}

/// What `owner`'s SUCCESS job `job_id` was rendered from: (its canonical id, the content).
pub async fn content(state: &AppState, owner: &str, job_id: &str) -> Result<(String, Content)> {
    let row = jobs::find(state, owner, job_id).await?;
    let content = content_of(state, &row).await?;
    Ok((row.id, content))
}

/// What the job `row` was rendered from; FAILED_PRECONDITION unless it is SUCCESS and its
/// content is still kept.
pub async fn content_of(state: &AppState, row: &resume_job::Model) -> Result<Content> {
    if row.status != JobStatus::Success {
        return Err(Error::FailedPrecondition(format!(
            "job {} is {}; its content can be read once it is SUCCESS",
            row.id, row.status
        )));
    }
    stored_content(state, &row.id, row.document).await?.ok_or_else(|| {
        deleted(state, row, "content").unwrap_or_else(|| {
            Error::FailedPrecondition(format!("job {} was made before contents were kept; generate it again", row.id))
        })
    })
}

/// The stored content of job `job_id` (which makes a `document`), when there is one.
pub async fn stored_content(state: &AppState, job_id: &str, document: DocumentKind) -> Result<Option<Content>> {
    let stored = resume_content::Entity::find_by_id(job_id.to_owned()).one(&state.db).await?;
    stored.map(|row| decode_content(&row, document)).transpose()
}

/// Why a finished job's `what` is not there when retention deleted it: it ended longer
/// than `RETENTION_DAYS` ago.
fn deleted(state: &AppState, row: &resume_job::Model, what: &str) -> Option<Error> {
    let (keep, ended) = (state.retention?, row.completed_at?);
    (ended < db::now() - keep).then(|| {
        Error::FailedPrecondition(format!(
            "the {what} of job {} was deleted: it is kept {} days after a job ends; generate it again",
            row.id,
            keep.num_days()
        ))
    })
}

/// The finished file of `owner`'s job: (filename, content type, bytes).
pub async fn download(state: &AppState, owner: &str, job_id: &str) -> Result<(String, String, Vec<u8>)> {
    file_of(state, jobs::find(state, owner, job_id).await?).await
}

/// The finished file of the job `row`: (filename, content type, bytes); FAILED_PRECONDITION
/// unless it is SUCCESS and its file still kept.
pub async fn file_of(state: &AppState, row: resume_job::Model) -> Result<(String, String, Vec<u8>)> {
    if row.status != JobStatus::Success {
        return Err(Error::FailedPrecondition(format!(
            "job {} is {}; the file can be downloaded once it is SUCCESS",
            row.id, row.status
        )));
    }
    let file = resume_file::Entity::find_by_id(row.id.clone())
        .find_also_related(resume_document::Entity)
        .one(&state.db)
        .await?;
    let Some((_, Some(document))) = file else {
        return Err(deleted(state, &row, "file")
            .unwrap_or_else(|| Error::Corrupt(format!("job {} succeeded without a file", row.id))));
    };
    let filename = row.filename.unwrap_or_else(|| format!("{}.bin", row.id));
    Ok((filename, document.content_type, document.content))
}
