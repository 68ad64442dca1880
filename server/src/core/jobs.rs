//! Resume generation jobs as their owners see them: submit, read, list, cancel,
//! download and watch.

use std::time::Duration;

use prost::Message as _;
use resume_proto::{
    job::{FileType, JobStatus, Priority},
    redis::{cache, keys::Queue, task},
    time::to_timestamp,
    v1,
    v1::CachedResume,
};
use sea_orm::{
    ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
    sea_query::{Expr, IntoCondition, Query},
};
use tokio::sync::{broadcast::error::RecvError, mpsc};

use crate::{
    AppState,
    core::{candidates, page, validate},
    db::{
        job_event::Kind,
        resume_content, resume_document, resume_file, resume_job,
        writer::{Content, Document, Event, Kept},
    },
    error::{Error, Result},
};

/// How long a watcher waits for an event before re-reading the row, in case an event
/// was lost (a Redis reconnect).
const WATCH_RECHECK: Duration = Duration::from_secs(5);

/// The job row as the API shows it.
pub fn to_proto(row: resume_job::Model) -> v1::Job {
    let resume_job::Model {
        id,
        owner: _,
        candidate_id,
        job_row_id,
        status,
        progress,
        file_type,
        priority,
        filename,
        error_message,
        cache_hit,
        attempts,
        created_at,
        started_at,
        completed_at,
        prompt_tokens,
        completion_tokens,
        generation_ms,
        edited_from,
        worker: _,
        run: _,
    } = row;
    // Derived, not stored: where a REST client downloads the file.
    let result_url = (status == JobStatus::Success.as_str()).then(|| result_url(&id));
    v1::Job {
        job_id: id,
        candidate_id,
        job_row_id,
        status,
        progress,
        file_type,
        priority,
        result_url,
        filename,
        error_message,
        cache_hit,
        attempts,
        created_at: Some(to_timestamp(created_at)),
        started_at: started_at.map(to_timestamp),
        completed_at: completed_at.map(to_timestamp),
        prompt_tokens,
        completion_tokens,
        generation_ms,
        edited_from,
    }
}

/// Announces `row`'s new state to its watchers and to the operators' live streams, on
/// every server; the job as the API shows it.
pub async fn announce(state: &AppState, row: resume_job::Model) -> v1::Job {
    state.metrics.ended(&row);
    let change = to_admin(row);
    state.events.publish(&change).await;
    change.job.unwrap_or_default()
}

/// A job row as operators see it: the Job, whose it is, its queue and its last worker.
pub fn to_admin(row: resume_job::Model) -> v1::AdminJob {
    let queue = row.queue().name().to_owned();
    let (owner, worker) = (row.owner.clone(), row.worker.clone());
    v1::AdminJob { job: Some(to_proto(row)), owner, queue, worker }
}

/// The download path of a job, as REST clients follow it.
pub fn result_url(job_id: &str) -> String {
    format!("/api/resume-async/download/{job_id}")
}

/// A new PENDING job row, created now.
fn pending(
    owner: &str,
    candidate_id: i64,
    job_row_id: Option<i64>,
    file_type: FileType,
    priority: Priority,
) -> resume_job::Model {
    resume_job::Model {
        id: uuid::Uuid::now_v7().to_string(),
        owner: owner.to_owned(),
        candidate_id,
        job_row_id,
        status: JobStatus::Pending.to_string(),
        progress: 0,
        file_type: file_type.to_string(),
        priority: priority.to_string(),
        filename: None,
        error_message: None,
        cache_hit: false,
        attempts: 0,
        created_at: candidates::now(),
        started_at: None,
        completed_at: None,
        prompt_tokens: 0,
        completion_tokens: 0,
        generation_ms: 0,
        edited_from: None,
        worker: None,
        run: 0,
    }
}

/// A new job's first entry, queued (its task is pushed once the row is committed; a row
/// whose task could not be pushed is removed again, with it). That it was submitted is the
/// row's own `created_at`: the timeline shows it without a row of its own.
fn queued(priority: Priority) -> Kept {
    Kept::events([Event::new(Kind::Queued).detail(Queue::of(priority).name())])
}

/// Stores a job and queues its task; the answer does not wait for any worker.
pub async fn generate(state: &AppState, owner: &str, req: v1::GenerateResumeRequest) -> Result<v1::Job> {
    let v1::GenerateResumeRequest { candidate_id, job_row_id, file_type, priority, fresh } = req;
    let file_type = validate::file_type(file_type.as_deref())?;
    let priority = validate::priority(priority.as_deref())?;
    state.queue.ensure_connected()?;
    let work = task::Work { fresh, ..cache_keys(state, owner, candidate_id, job_row_id, file_type.as_str()).await? };
    // A fresh variant is made anew (and then cached in place of the last one).
    let cached = if fresh {
        None
    } else {
        let cached = state.cache.get(&work.cache_key).await.unwrap_or_else(|error| {
            // The cache only saves work: without it the job is generated as usual.
            tracing::warn!(%error, "result cache unreadable");
            None
        });
        state.metrics.lookups.looked_up("result", cached.is_some());
        cached
    };
    let row = pending(owner, candidate_id, job_row_id, file_type, priority);
    if let Some(cached) = cached {
        return complete_from_cache(state, row, cached, &work.content_key).await;
    }
    state.writer.insert(row.clone(), queued(priority)).await?;
    if let Err(error) = state.queue.push(&row.id, priority, work).await {
        // Not queued, so not accepted: take the row back rather than leave it stranded.
        if let Err(cleanup) = resume_job::Entity::delete_by_id(row.id.clone()).exec(&state.db).await {
            tracing::error!(job_id = %row.id, %cleanup, "could not remove unqueued job");
        }
        return Err(error);
    }
    state.metrics.submitted(Queue::of(priority));
    tracing::info!(job_id = %row.id, candidate_id, %priority, %file_type, "job queued");
    Ok(to_proto(row))
}

/// Stores a job that renders `owner`'s edit of the content of their SUCCESS job, and queues
/// it; no model call will be made.
pub async fn render(state: &AppState, owner: &str, req: v1::RenderResumeRequest) -> Result<v1::Job> {
    let v1::RenderResumeRequest { job_id, content, file_type } = req;
    let file_type = validate::file_type(file_type.as_deref())?;
    let content = content.ok_or_else(|| Error::InvalidArgument("content is required".into()))?;
    let source = find(state, owner, &job_id).await?;
    if source.status != JobStatus::Success.as_str() {
        return Err(Error::FailedPrecondition(format!(
            "job {} is {}; its content can be edited once it is SUCCESS",
            source.id, source.status
        )));
    }
    let candidate = candidates::to_proto(candidates::find(state, owner, source.candidate_id).await?)?;
    super::content::edited(&candidate, &content)?;
    state.queue.ensure_connected()?;
    let row = resume_job::Model {
        edited_from: Some(source.id.clone()),
        ..pending(owner, source.candidate_id, source.job_row_id, file_type, Priority::Default)
    };
    // The content is there before any worker can claim the job. An edit is not the model's:
    // it is kept under no content key, so never reused.
    let keeps =
        Kept { content: Some(Content { encoded: content.encode_to_vec(), key: None }), ..queued(Priority::Default) };
    state.writer.insert(row.clone(), keeps).await?;
    let work = task::Work { render_only: true, ..task::Work::default() };
    if let Err(error) = state.queue.push(&row.id, Priority::Default, work).await {
        if let Err(cleanup) = resume_job::Entity::delete_by_id(row.id.clone()).exec(&state.db).await {
            tracing::error!(job_id = %row.id, %cleanup, "could not remove unqueued job");
        }
        return Err(error);
    }
    state.metrics.submitted(Queue::of(Priority::Default));
    tracing::info!(job_id = %row.id, edited_from = %source.id, %file_type, "render queued");
    Ok(to_proto(row))
}

/// The stored content of job `job_id`, when there is one.
pub async fn stored_content(state: &AppState, job_id: &str) -> Result<Option<v1::ResumeContent>> {
    let stored = resume_content::Entity::find_by_id(job_id.to_owned()).one(&state.db).await?;
    stored.map(|row| decode_content(&row)).transpose()
}

/// The task of an existing job: a render has its content already (no cache keys); any
/// other, its request's keys (a fresh request is not kept apart from its job, so it may now
/// take a cached result); either for the job's current run.
pub async fn work_of(state: &AppState, row: &resume_job::Model) -> Result<task::Work> {
    let work = match row.edited_from {
        Some(_) => task::Work { render_only: true, ..task::Work::default() },
        None => cache_keys(state, &row.owner, row.candidate_id, row.job_row_id, &row.file_type).await?,
    };
    Ok(task::Work { run: row.run, ..work })
}

/// The cache keys of a request (its document's: candidate's and target job's content, file
/// type, generator and template; its content's: the same without file type and template),
/// as the task's work. NOT_FOUND unless `owner` has both.
pub async fn cache_keys(
    state: &AppState,
    owner: &str,
    candidate_id: i64,
    job_row_id: Option<i64>,
    file_type: &str,
) -> Result<task::Work> {
    // Both reads at once; a missing candidate is the error to report, if both are missing.
    let (candidate, target) = futures::join!(candidates::find(state, owner, candidate_id), async {
        match job_row_id {
            Some(id) => candidates::job_by_id(state, owner, candidate_id, id).await.map(Some),
            None => Ok(None),
        }
    });
    let (candidate, target) = (candidates::to_proto(candidate?)?, target?);
    let generator = &state.cache.generator;
    Ok(task::Work {
        cache_key: cache::key(owner, &candidate, target.as_ref(), file_type, generator),
        content_key: cache::content_key(owner, &candidate, target.as_ref(), generator),
        ..task::Work::default()
    })
}

/// Stores a job that the cache already answers as SUCCESS, with its file, at once.
async fn complete_from_cache(
    state: &AppState,
    row: resume_job::Model,
    cached: CachedResume,
    content_key: &str,
) -> Result<v1::Job> {
    let CachedResume { filename, content_type, content, resume } = cached;
    let now = candidates::now();
    let row = resume_job::Model {
        status: JobStatus::Success.to_string(),
        progress: 100,
        cache_hit: true,
        filename: Some(filename),
        started_at: Some(now),
        completed_at: Some(now),
        ..row
    };
    let events = vec![Event::new(Kind::AnsweredFromCache)];
    let keeps = kept(events, content_type, content, resume.as_ref().map(|r| (r, content_key)));
    state.writer.insert(row.clone(), keeps).await?;
    state.metrics.submitted(row.queue());
    state.metrics.ended(&row);
    tracing::info!(job_id = %row.id, "job answered from the result cache");
    Ok(to_proto(row))
}

/// The content a finished job was rendered from, and the content cache key it was made for
/// (empty for none).
pub type Made<'a> = Option<(&'a v1::ResumeContent, &'a str)>;

/// What a finished job keeps: `events`, its file and, when there is one, the content it was
/// rendered from (under its content key, if it has one).
pub fn kept(events: Vec<Event>, content_type: String, bytes: Vec<u8>, made: Made<'_>) -> Kept {
    Kept {
        events,
        document: Some(Document::new(content_type, bytes)),
        content: made.map(|(resume, key)| Content {
            encoded: resume.encode_to_vec(),
            key: Some(key).filter(|k| !k.is_empty()).map(str::to_owned),
        }),
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

/// The newest content made for `content_key` within `CONTENT_REUSE_DAYS`, if reuse is on.
pub async fn reusable_content(state: &AppState, content_key: &str) -> Result<Option<v1::ResumeContent>> {
    let Some(reuse) = state.cache.reuse.filter(|_| !content_key.is_empty()) else {
        return Ok(None);
    };
    let found = resume_content::Entity::find()
        .filter(resume_content::Column::ContentKey.eq(content_key))
        .filter(resume_content::Column::CreatedAt.gte(candidates::now() - reuse))
        .order_by_desc(resume_content::Column::CreatedAt)
        .one(&state.db)
        .await?;
    found.map(|row| decode_content(&row)).transpose()
}

fn decode_content(row: &resume_content::Model) -> Result<v1::ResumeContent> {
    v1::ResumeContent::decode(row.content.as_slice())
        .map_err(|e| Error::Corrupt(format!("job {}: stored content unreadable: {e}", row.job_id)))
}

/// What `owner`'s SUCCESS job `job_id` was rendered from: (its canonical id, the content).
pub async fn content(state: &AppState, owner: &str, job_id: &str) -> Result<(String, v1::ResumeContent)> {
    let row = find(state, owner, job_id).await?;
    if row.status != JobStatus::Success.as_str() {
        return Err(Error::FailedPrecondition(format!(
            "job {} is {}; its content can be read once it is SUCCESS",
            row.id, row.status
        )));
    }
    let content = stored_content(state, &row.id).await?.ok_or_else(|| {
        deleted(state, &row, "content").unwrap_or_else(|| {
            Error::FailedPrecondition(format!("job {} was made before contents were kept; generate it again", row.id))
        })
    })?;
    Ok((row.id, content))
}

/// Any user's job `job_id`, or NOT_FOUND.
pub async fn any(state: &AppState, job_id: &str) -> Result<resume_job::Model> {
    let job_id = validate::job_id(job_id)?;
    state.by_key.jobs.get(job_id.clone()).await?.ok_or_else(|| Error::NotFound(format!("job {job_id} not found")))
}

/// `owner`'s job `job_id`, or NOT_FOUND (also another user's: no hint that it exists).
async fn find(state: &AppState, owner: &str, job_id: &str) -> Result<resume_job::Model> {
    let row = any(state, job_id).await?;
    if row.owner != owner {
        return Err(Error::NotFound(format!("job {} not found", row.id)));
    }
    Ok(row)
}

/// `owner`'s job `job_id` as it is now.
pub async fn get(state: &AppState, owner: &str, job_id: &str) -> Result<v1::Job> {
    find(state, owner, job_id).await.map(to_proto)
}

/// One page of `owner`'s jobs, newest first, and the token of the next page.
pub async fn list_mine(
    state: &AppState,
    owner: &str,
    req: v1::ListMyJobsRequest,
) -> Result<(Vec<v1::Job>, Option<String>)> {
    let v1::ListMyJobsRequest { limit, page_token, status, candidate_id } = req;
    let mut query = resume_job::Entity::find().filter(resume_job::Column::Owner.eq(owner));
    if let Some(status) = status {
        let status: JobStatus = status.parse().map_err(Error::InvalidArgument)?;
        query = query.filter(resume_job::Column::Status.eq(status.as_str()));
    }
    if let Some(candidate_id) = candidate_id {
        validate::positive_id("candidate_id", candidate_id)?;
        query = query.filter(resume_job::Column::CandidateId.eq(candidate_id));
    }
    let (rows, next) = page::of_jobs(&state.db, query, limit, &page_token).await?;
    Ok((rows.into_iter().map(to_proto).collect(), next))
}

/// Cancels `owner`'s job unless it has ended; answers the job as it then is.
pub async fn cancel(state: &AppState, owner: &str, job_id: &str) -> Result<v1::Job> {
    let row = find(state, owner, job_id).await?;
    Ok(cancel_one(state, row, owner).await?.0)
}

/// Cancels `row`'s job on behalf of `by` unless it has ended: the job as it then is, and
/// whether this cancelled it.
pub async fn cancel_one(state: &AppState, row: resume_job::Model, by: &str) -> Result<(v1::Job, bool)> {
    match cancel_running(state, resume_job::Column::Id.eq(row.id.as_str()), by).await?.pop() {
        Some(job) => Ok((job, true)),
        // It had ended (or ended meanwhile): show how.
        None => Ok((to_proto(any(state, &row.id).await?), false)),
    }
}

/// Cancels every still running job that `condition` selects, in one conditional update,
/// on behalf of `by` (who the timeline names), and announces each; the jobs as they are now.
pub async fn cancel_running(state: &AppState, condition: impl IntoCondition, by: &str) -> Result<Vec<v1::Job>> {
    let cancel = resume_job::Entity::update_many()
        .col_expr(resume_job::Column::Status, Expr::value(JobStatus::Cancelled.as_str()))
        .col_expr(resume_job::Column::CompletedAt, Expr::value(candidates::now()))
        .filter(condition)
        .filter(resume_job::Column::Status.is_in([JobStatus::Pending.as_str(), JobStatus::Processing.as_str()]));
    let cancelled =
        state.writer.update(cancel, Kept::events([Event::new(Kind::Cancelled).detail(format!("by {by}"))])).await?;
    let mut jobs = Vec::with_capacity(cancelled.len());
    for row in cancelled {
        tracing::info!(job_id = %row.id, "job cancelled");
        jobs.push(announce(state, row).await);
    }
    Ok(jobs)
}

/// Why a finished job's `what` is not there when retention deleted it: it ended longer
/// than `RETENTION_DAYS` ago.
fn deleted(state: &AppState, row: &resume_job::Model, what: &str) -> Option<Error> {
    let (keep, ended) = (state.retention?, row.completed_at?);
    (ended < candidates::now() - keep).then(|| {
        Error::FailedPrecondition(format!(
            "the {what} of job {} was deleted: it is kept {} days after a job ends; generate it again",
            row.id,
            keep.num_days()
        ))
    })
}

/// The finished file of `owner`'s job: (filename, content type, bytes).
pub async fn download(state: &AppState, owner: &str, job_id: &str) -> Result<(String, String, Vec<u8>)> {
    let row = find(state, owner, job_id).await?;
    if row.status != JobStatus::Success.as_str() {
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

/// Sends `owner`'s job into `out` now and after every change, until it ends or the
/// receiver goes away; a failure is sent as the last item.
pub async fn watch(state: &AppState, owner: &str, job_id: &str, out: mpsc::Sender<Result<v1::Job>>) {
    if let Err(error) = follow(state, owner, job_id, &out).await {
        let _ = out.send(Err(error)).await;
    }
}

async fn follow(state: &AppState, owner: &str, job_id: &str, out: &mpsc::Sender<Result<v1::Job>>) -> Result<()> {
    let job_id = validate::job_id(job_id)?;
    // Register first, read second: a change in between arrives as an event.
    let mut watch = state.events.watch(&job_id);
    let mut last = to_proto(find(state, owner, &job_id).await?);
    if out.send(Ok(last.clone())).await.is_err() {
        return Ok(());
    }
    while !is_terminal(&last) {
        let next = match tokio::time::timeout(WATCH_RECHECK, watch.receiver.recv()).await {
            Ok(Ok(job)) => job,
            Ok(Err(RecvError::Lagged(_))) | Err(_) => to_proto(find(state, owner, &job_id).await?),
            Ok(Err(RecvError::Closed)) => {
                return Err(Error::Unavailable("job events stopped".into()));
            }
        };
        if is_newer(&next, &last) {
            if out.send(Ok(next.clone())).await.is_err() {
                return Ok(());
            }
            last = next;
        }
    }
    Ok(())
}

fn is_terminal(job: &v1::Job) -> bool {
    job.status.parse::<JobStatus>().is_ok_and(JobStatus::is_terminal)
}

/// Whether `next` moves the job on from `last` (events may arrive twice or late).
fn is_newer(next: &v1::Job, last: &v1::Job) -> bool {
    if is_terminal(last) {
        return false;
    }
    next.status != last.status && (is_terminal(next) || next.status == JobStatus::Processing.as_str())
        || next.progress > last.progress
        || next.attempts > last.attempts
}

#[cfg(test)]
mod tests {
    use super::*;

    fn job(status: JobStatus, progress: i32) -> v1::Job {
        v1::Job { status: status.to_string(), progress, ..Default::default() }
    }

    #[test]
    fn only_forward_moves_are_sent() {
        use JobStatus::*;
        assert!(is_newer(&job(Processing, 10), &job(Pending, 0)));
        assert!(is_newer(&job(Processing, 30), &job(Processing, 10)));
        assert!(!is_newer(&job(Processing, 10), &job(Processing, 30)));
        assert!(!is_newer(&job(Processing, 10), &job(Processing, 10)));
        assert!(is_newer(&job(Success, 100), &job(Processing, 90)));
        assert!(is_newer(&job(Cancelled, 30), &job(Processing, 30)));
        assert!(!is_newer(&job(Processing, 50), &job(Cancelled, 30)));
        assert!(!is_newer(&job(Pending, 0), &job(Processing, 10)));
    }
}
