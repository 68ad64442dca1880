//! Resume jobs as their owners see them: submit (generate, or render an edit), read, list
//! and cancel; and a job row as the API and the operators show it. Files and contents are
//! `documents`', following a job is `watch`', how a job moves is `lifecycle`'s.

use resume_proto::{
    content::Content,
    job::{Document, FileType, JobKind, JobStatus, Priority},
    redis::{
        cache::{self, Variant},
        keys::Queue,
        task,
    },
    v1,
    v1::CachedResume,
};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, sea_query::IntoCondition};

use crate::{
    AppState,
    core::{
        candidates, documents,
        lifecycle::{self, Move},
        page, validate,
        view::to_proto,
    },
    db::{
        self, candidate,
        job_event::Kind,
        resume_job,
        writer::{Content as Stored, Event, Kept},
    },
    error::{Error, Result},
};

/// A new PENDING job row of `kind`, created now.
pub(crate) fn pending(
    kind: JobKind,
    owner: &str,
    candidate_id: Option<i64>,
    job_row_id: Option<i64>,
    file_type: FileType,
    priority: Priority,
) -> resume_job::Model {
    resume_job::Model {
        id: uuid::Uuid::now_v7().to_string(),
        owner: owner.to_owned(),
        candidate_id,
        job_row_id,
        status: JobStatus::Pending,
        progress: 0,
        file_type,
        priority,
        filename: None,
        error_message: None,
        cache_hit: false,
        attempts: 0,
        created_at: db::now(),
        started_at: None,
        completed_at: None,
        prompt_tokens: 0,
        completion_tokens: 0,
        generation_ms: 0,
        edited_from: None,
        worker: None,
        run: 0,
        kind,
        batch_id: None,
        document: Document::Resume,
        anonymize: false,
        fresh: false,
        model: None,
        cached_tokens: 0,
    }
}

/// A new job's first entry, queued (its task is pushed once the row is committed; a row
/// whose task could not be pushed is removed again, with it). That it was submitted is the
/// row's own `created_at`: the timeline shows it without a row of its own.
pub(crate) fn queued(priority: Priority) -> Kept {
    Kept::events([Event::new(Kind::Queued).detail(Queue::of(priority).name())])
}

/// Stores a job and queues its task; the answer does not wait for any worker.
pub async fn generate(state: &AppState, owner: &str, req: v1::GenerateResumeRequest) -> Result<v1::Job> {
    let v1::GenerateResumeRequest { candidate_id, job_row_id, file_type, priority, fresh, document, anonymize } = req;
    let file_type = validate::file_type(file_type.as_deref())?;
    let priority = validate::priority(priority.as_deref())?;
    let variant = Variant { document: validate::document(document.as_deref())?, anonymize };
    state.queue.ensure_connected()?;
    let (keys, own_budget) = cache_keys(state, owner, candidate_id, job_row_id, variant, file_type).await?;
    let work = task::Work { fresh, ..keys };
    let cached = cached(state, &work).await;
    let row = resume_job::Model {
        document: variant.document,
        anonymize,
        fresh,
        ..pending(JobKind::Generate, owner, Some(candidate_id), job_row_id, file_type, priority)
    };
    if let Some(cached) = cached {
        return complete_from_cache(state, row, cached, &work.content_key).await;
    }
    // Only work that will call the model meets the budget: the result cache answered above,
    // and a content the worker will reuse (made for these keys within CONTENT_REUSE_DAYS)
    // is a cache hit too, so a refusal is checked against it (only when refusing).
    let what = match variant.document {
        Document::Resume => "a resume",
        Document::CoverLetter => "a cover letter",
    };
    if let Err(refused) = super::budget::admit_job(state, owner, own_budget, what).await
        && documents::reused(state, &[&work]).await?.is_empty()
    {
        return Err(refused);
    }
    state.writer.insert(row.clone(), queued(priority)).await?;
    if let Err(error) = state.queue.push(&row, work).await {
        unqueued(state, &row.id).await;
        return Err(error);
    }
    state.metrics.submitted(Queue::of(priority));
    tracing::info!(job_id = %row.id, candidate_id, %priority, %file_type, document = %row.document, anonymize, "job queued");
    Ok(to_proto(row))
}

/// What the result cache holds for a generation's `work`; none for a fresh one (a fresh
/// variant is made anew, and then cached in place of the last one), or when the cache
/// cannot be read (it only saves work: the job is generated as usual).
pub(crate) async fn cached(state: &AppState, work: &task::Work) -> Option<CachedResume> {
    if !cache::takes_cached(JobKind::Generate, work.fresh) {
        return None;
    }
    let cached = state.cache.get(&work.cache_key).await.unwrap_or_else(|error| {
        tracing::warn!(%error, "result cache unreadable");
        None
    });
    state.metrics.lookups.looked_up("result", cached.is_some());
    cached
}

/// Removes new job `job_id` whose task could not be queued: not queued, so not accepted;
/// taken back rather than left stranded.
pub(crate) async fn unqueued(state: &AppState, job_id: &str) {
    if let Err(cleanup) = resume_job::Entity::delete_by_id(job_id.to_owned()).exec(&state.db).await {
        tracing::error!(job_id, %cleanup, "could not remove unqueued job");
    }
}

/// Stores a job that renders `owner`'s edit of the content of their SUCCESS job, and queues
/// it; no model call will be made. The edit is of the job's own document (a letter's
/// content for a letter), and the new job makes the same document, anonymised or not.
pub async fn render(state: &AppState, owner: &str, req: v1::RenderResumeRequest) -> Result<v1::Job> {
    let v1::RenderResumeRequest { job_id, edit, file_type } = req;
    let file_type = validate::file_type(file_type.as_deref())?;
    let content = Content::from(edit.ok_or_else(|| Error::InvalidArgument("content is required".into()))?);
    let source = find(state, owner, &job_id).await?;
    if content.document() != source.document {
        return Err(Error::InvalidArgument(format!(
            "document must be \"{}\": job {} made a {}, and an edit renders the same document",
            source.document, source.id, source.document
        )));
    }
    if source.status != JobStatus::Success {
        return Err(Error::FailedPrecondition(format!(
            "job {} is {}; its content can be edited once it is SUCCESS",
            source.id, source.status
        )));
    }
    let candidate = candidates::to_proto(candidates::find(state, owner, source.candidate()?).await?)?;
    let target = match source.job_row_id {
        Some(id) => Some(candidates::job_by_id(state, owner, candidate.id, id).await?),
        None => None,
    };
    super::content::edited(&candidate, target.as_ref(), source.anonymize, &content)?;
    state.queue.ensure_connected()?;
    let row = resume_job::Model {
        edited_from: Some(source.id.clone()),
        document: source.document,
        anonymize: source.anonymize,
        ..pending(JobKind::Render, owner, source.candidate_id, source.job_row_id, file_type, Priority::Default)
    };
    // The content is there before any worker can claim the job. An edit is not the model's:
    // it is kept under no content key, so never reused.
    let keeps = Kept { content: Some(Stored { encoded: content.encode(), key: None }), ..queued(Priority::Default) };
    state.writer.insert(row.clone(), keeps).await?;
    let work = task::Work { kind: JobKind::Render, ..task::Work::default() };
    if let Err(error) = state.queue.push(&row, work).await {
        unqueued(state, &row.id).await;
        return Err(error);
    }
    state.metrics.submitted(Queue::of(Priority::Default));
    tracing::info!(job_id = %row.id, edited_from = %source.id, %file_type, "render queued");
    Ok(to_proto(row))
}

/// The task of an existing job: a render has its content already (no cache keys); any
/// other, its request's keys (fresh when it was asked for so); either for the job's current
/// run.
pub async fn work_of(state: &AppState, row: &resume_job::Model) -> Result<task::Work> {
    let work = match row.does() {
        kind @ (JobKind::Render | JobKind::Import) => task::Work { kind, ..task::Work::default() },
        JobKind::Generate => {
            let variant = Variant { document: row.document, anonymize: row.anonymize };
            cache_keys(state, &row.owner, row.candidate()?, row.job_row_id, variant, row.file_type).await?.0
        }
    };
    Ok(task::Work { run: row.run, fresh: row.fresh, ..work })
}

/// The cache keys of a request (its document's: candidate's and target job's content, the
/// variant, file type, generator and template; its content's: the same without file type
/// and template), as the task's work, with `owner`'s budget override (read with the
/// candidate). NOT_FOUND unless `owner` has both.
pub async fn cache_keys(
    state: &AppState,
    owner: &str,
    candidate_id: i64,
    job_row_id: Option<i64>,
    variant: Variant,
    file_type: FileType,
) -> Result<(task::Work, Option<f64>)> {
    // Both reads at once; a missing candidate is the error to report, if both are missing.
    let (candidate, target) = futures::join!(candidates::find_with_budget(state, owner, candidate_id), async {
        match job_row_id {
            Some(id) => candidates::job_by_id(state, owner, candidate_id, id).await.map(Some),
            None => Ok(None),
        }
    });
    let (candidate::WithBudget { candidate, owner_budget_usd }, target) = (candidate?, target?);
    let candidate = candidates::to_proto(candidate)?;
    Ok((keys_of(state, owner, &candidate, target.as_ref(), variant, file_type), owner_budget_usd))
}

/// The cache keys of a request for `candidate` and `target`, as the task's work.
pub(crate) fn keys_of(
    state: &AppState,
    owner: &str,
    candidate: &v1::Candidate,
    target: Option<&v1::CandidateJob>,
    variant: Variant,
    file_type: FileType,
) -> task::Work {
    let generator = &state.cache.generator;
    task::Work {
        cache_key: cache::key(owner, candidate, target, variant, file_type.as_str(), generator),
        content_key: cache::content_key(owner, candidate, target, variant, generator),
        ..task::Work::default()
    }
}

/// Stores a job that the cache already answers as SUCCESS, with its file, at once.
async fn complete_from_cache(
    state: &AppState,
    row: resume_job::Model,
    cached: CachedResume,
    content_key: &str,
) -> Result<v1::Job> {
    let (row, keeps) = answered_from_cache(row, cached, content_key);
    state.writer.insert(row.clone(), keeps).await?;
    state.metrics.submitted(row.queue());
    state.metrics.ended(&row);
    tracing::info!(job_id = %row.id, "job answered from the result cache");
    Ok(to_proto(row))
}

/// A new job `row` as the cache answers it: SUCCESS now, and what it keeps (its file, and
/// the content under `content_key`).
pub(crate) fn answered_from_cache(
    row: resume_job::Model,
    cached: CachedResume,
    content_key: &str,
) -> (resume_job::Model, Kept) {
    let CachedResume { filename, content_type, content, made } = cached;
    let now = db::now();
    let row = resume_job::Model {
        status: JobStatus::Success,
        progress: 100,
        cache_hit: true,
        filename: Some(filename),
        started_at: Some(now),
        completed_at: Some(now),
        ..row
    };
    let events = vec![Event::new(Kind::AnsweredFromCache)];
    let made = made.map(Content::from);
    let keeps = documents::kept(events, content_type, content, made.as_ref().map(|m| (m, content_key)));
    (row, keeps)
}

/// Any user's job `job_id`, or NOT_FOUND.
pub async fn any(state: &AppState, job_id: &str) -> Result<resume_job::Model> {
    let job_id = validate::job_id(job_id)?;
    state.by_key.jobs.get(job_id.clone()).await?.ok_or_else(|| Error::NotFound(format!("job {job_id} not found")))
}

/// `owner`'s resume job `job_id`, or NOT_FOUND (also another user's: no hint that it
/// exists; and an import, which its own routes show).
pub(crate) async fn find(state: &AppState, owner: &str, job_id: &str) -> Result<resume_job::Model> {
    let row = any(state, job_id).await?;
    if row.owner != owner || row.kind == JobKind::Import {
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
    let mut query = resume_job::Entity::find()
        .filter(resume_job::Column::Owner.eq(owner))
        .filter(resume_job::Column::Kind.ne(JobKind::Import));
    if let Some(status) = status {
        let status: JobStatus = status.parse().map_err(Error::InvalidArgument)?;
        query = query.filter(resume_job::Column::Status.eq(status));
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

/// Cancels every still running job that `condition` selects, in one guarded update, on
/// behalf of `by` (who the timeline names), and announces each; the jobs as they are now.
pub async fn cancel_running(state: &AppState, condition: impl IntoCondition, by: &str) -> Result<Vec<v1::Job>> {
    let cancelled = Kept::events([Event::new(Kind::Cancelled).detail(format!("by {by}"))]);
    let cancelled = lifecycle::transition(state, Move::Cancel, condition, cancelled).await?;
    let mut jobs = Vec::with_capacity(cancelled.len());
    for row in cancelled {
        tracing::info!(job_id = %row.id, "job cancelled");
        jobs.push(lifecycle::announce(state, row).await);
    }
    Ok(jobs)
}
