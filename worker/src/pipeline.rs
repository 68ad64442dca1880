//! One task from start to end: claim, build, render, hand over; and what to do with the
//! task afterwards: forget it, park it for a retry (the slot is freed at once, and the
//! parked task carries the model's answers the job has, so the retry asks only for the
//! rest), or hand it back when the server could not be reached.
//!
//! With a cache key, a task first looks for the finished result (then it completes
//! without a model call) and the content of the same data in another format (then it
//! renders it); otherwise it takes the key's generation lock; all three at once, by one
//! script ([`crate::redis::locks`]). A task that finds
//! the lock held by another job parks for a moment, unclaimed, and looks again: it gets
//! the result once the other job stores it, or the lock once the other job fails or dies.

use std::{
    future::Future,
    sync::Arc,
    time::{Duration, Instant},
};

use resume_proto::{
    anonymous,
    content::Content,
    job::{Document as DocumentKind, ErrorClass, FileType, JobKind},
    redis::{cache, task},
    v1::{self, CachedResume, ResumeTask},
};
use runtime::trace::TraceContext;
use tonic::{Code, Status};
use tracing::Instrument;

use crate::{
    import::{self, ImportError},
    model::{Attempt, Generator, ModelError, Printable, Written, printable},
    redis::{Redis, locks::Found},
    render::{self, Document, RenderError},
    report::{Provenance, Reporter},
    stats::Stats,
};

/// Progress once a claimed job's content is being made (the server sets it at the claim),
/// once it is made, and once it is rendered. In between the first two it moves with the
/// share of the model's expected reply written ([`generating`]).
const CLAIMED: i32 = 10;
const CONTENT_READY: i32 = 85;
const RENDERED: i32 = 90;
/// Progress once an import's file is being read.
const READING: i32 = 30;

/// The least time between two progress reports of one task: at most four a second per job,
/// however fast the model writes.
const PROGRESS_EVERY: Duration = Duration::from_millis(250);

/// How long a task waits for an identical request's result before looking again.
const DUPLICATE_WAIT: Duration = Duration::from_millis(100);

/// Pauses between tries of a call the server did not answer.
const RETRY_DELAYS: [Duration; 3] = [Duration::from_millis(100), Duration::from_millis(500), Duration::from_secs(2)];

/// When and how often a transient model failure is tried again.
#[derive(Debug, Clone, Copy)]
pub struct RetryPolicy {
    /// The pause after the first failed attempt; it doubles after each further one.
    pub base_delay: Duration,
    /// Attempts in all, the first included.
    pub max_attempts: u32,
}

impl RetryPolicy {
    /// The pause after failed attempt `attempt` (1-based), never shorter than what the
    /// service asked for.
    pub fn delay(&self, attempt: u32, retry_after: Option<Duration>) -> Duration {
        let backoff = self.base_delay.saturating_mul(1 << attempt.saturating_sub(1).min(16));
        backoff.max(retry_after.unwrap_or_default())
    }
}

/// What every task shares.
pub struct Context {
    pub redis: Redis,
    pub reporter: Reporter,
    pub generator: Box<dyn Generator>,
    /// The model `generator` asks (`offline` without a key), recorded with each job it makes.
    pub model: String,
    pub retry: RetryPolicy,
    /// Lifetime of cached results; `None` when the cache is off.
    pub cache_ttl: Option<Duration>,
    pub stats: Arc<Stats>,
}

/// How a task ended.
#[derive(Debug)]
enum Outcome {
    /// The file is stored; the job is SUCCESS.
    Done,
    /// The job must not or need not run (cancelled, already ended).
    Dropped,
    /// The task rate limit: try again after this pause.
    RetryAfter(Duration),
    /// An attempt failed transiently (`class`, `message`): try again after `after`,
    /// without asking again for the model's `answers` the job has.
    Retry { after: Duration, class: ErrorClass, message: String, answers: Vec<v1::ModelAnswer> },
    /// An identical request is being generated: look again shortly, unclaimed.
    Wait,
}

#[derive(Debug, thiserror::Error)]
enum TaskError {
    /// The server did not answer, even after retries: someone must run the task later.
    #[error("server unreachable: {0}")]
    Unreachable(Status),
    /// The server refused a call: the job cannot go on.
    #[error("server refused: {0}")]
    Refused(Status),
    #[error(transparent)]
    Render(#[from] RenderError),
    #[error("the claim carried nothing to work on")]
    NoCandidate,
    /// An import's file cannot be read; the message is for the job's owner.
    #[error("unreadable import: {0}")]
    Unreadable(String),
    /// The model refused for good; the message is for the job's owner.
    #[error("model: {0}")]
    Model(String),
    /// The job names a file type this worker cannot make.
    #[error("{0}")]
    Unsupported(String),
    /// Every attempt failed transiently; `unusable` when the last one's reply had
    /// nothing usable in it.
    #[error("gave up after {attempts} attempts")]
    Exhausted { attempts: u32, unusable: bool },
}

impl From<Status> for TaskError {
    fn from(status: Status) -> TaskError {
        match status.code() {
            Code::Unavailable | Code::Unknown | Code::DeadlineExceeded | Code::Aborted | Code::ResourceExhausted => {
                TaskError::Unreachable(status)
            }
            Code::Ok
            | Code::Cancelled
            | Code::InvalidArgument
            | Code::NotFound
            | Code::AlreadyExists
            | Code::PermissionDenied
            | Code::FailedPrecondition
            | Code::OutOfRange
            | Code::Unimplemented
            | Code::Internal
            | Code::DataLoss
            | Code::Unauthenticated => TaskError::Refused(status),
        }
    }
}

impl TaskError {
    /// The kind of failure, as the error groups name it.
    fn class(&self) -> ErrorClass {
        match self {
            TaskError::Render(_) => ErrorClass::RenderFailed,
            TaskError::Unsupported(_) => ErrorClass::UnsupportedFormat,
            TaskError::Model(_) => ErrorClass::ModelRefused,
            TaskError::Unreadable(_) => ErrorClass::ImportUnreadable,
            TaskError::Exhausted { unusable: false, .. } => ErrorClass::ModelUnavailable,
            TaskError::Exhausted { unusable: true, .. } => ErrorClass::ModelInvalidReply,
            TaskError::Unreachable(_) | TaskError::Refused(_) | TaskError::NoCandidate => ErrorClass::Internal,
        }
    }

    /// What the job's owner is told.
    fn user_message(&self) -> String {
        match self {
            TaskError::Render(error) => format!("the document could not be rendered: {error}"),
            TaskError::Unsupported(why) => format!("the document could not be rendered: {why}"),
            TaskError::Model(message) | TaskError::Unreadable(message) => message.clone(),
            TaskError::Exhausted { attempts, unusable: false } => {
                format!("the model service was unavailable after {attempts} attempts; please try again later")
            }
            TaskError::Exhausted { attempts, unusable: true } => format!(
                "the model's replies could not be read after {attempts} attempts (no usable JSON); please try again later"
            ),
            TaskError::Unreachable(_) | TaskError::Refused(_) | TaskError::NoCandidate => {
                "the resume could not be generated because of an internal error".to_owned()
            }
        }
    }
}

/// Runs the task `raw` (as taken off the queue) and settles it in Redis.
pub async fn process(ctx: &Context, raw: Vec<u8>) {
    let Some(task) = task::decode(&raw) else {
        tracing::error!("undecodable task dropped");
        settle(ctx.redis.tasks.ack(&raw).await);
        return;
    };
    // The trace of the request that queued the task, continued here (a new one for a task
    // queued without one).
    let mut trace = TraceContext::continued(Some(task.traceparent.as_str()).filter(|t| !t.is_empty()));
    let span = runtime::trace::task_span(&task.job_id, &mut trace);
    let work = async {
        ctx.stats.busy.inc();
        let started = Instant::now();
        let outcome = run(ctx, &task).await;
        ctx.stats.busy.dec();
        match outcome {
            Ok(Outcome::Done) => {
                tracing::info!(took_ms = started.elapsed().as_millis() as u64, "task done");
                ctx.stats.processed.inc();
                settle(ctx.redis.tasks.ack(&raw).await);
            }
            Ok(Outcome::Dropped) => settle(ctx.redis.tasks.ack(&raw).await),
            Ok(Outcome::Wait) => {
                settle(ctx.redis.tasks.retry_later(&raw, task::queue(&task), DUPLICATE_WAIT).await);
            }
            Ok(Outcome::RetryAfter(delay)) if task.rate_limited => {
                settle(ctx.redis.tasks.retry_later(&raw, task::queue(&task), delay).await);
            }
            // The first wait of this task: on the job's timeline (best effort), and the task
            // parked marked as reported.
            Ok(Outcome::RetryAfter(delay)) => {
                if let Err(status) = ctx.reporter.rate_limited(&task.job_id, delay).await {
                    tracing::warn!(%status, "could not record the rate-limit wait");
                }
                let marked = task::encode(&v1::ResumeTask { rate_limited: true, ..task.clone() });
                settle(ctx.redis.tasks.park_as(&raw, &marked, task::queue(&task), delay).await);
            }
            Ok(Outcome::Retry { after, class, message, answers }) => {
                tracing::info!(?after, %class, answers = answers.len(), "retry scheduled");
                ctx.stats.retried(class);
                // For the job's timeline only: the retry goes ahead whether it is recorded or not.
                if let Err(status) = ctx.reporter.schedule_retry(&task.job_id, class, &message, after).await {
                    tracing::warn!(%status, "could not record the scheduled retry");
                }
                // The answers go into the parked task: whichever worker takes it next has them.
                let parked = match with_answers(&task, answers) {
                    Some(kept) => ctx.redis.tasks.park_as(&raw, &task::encode(&kept), task::queue(&task), after).await,
                    None => ctx.redis.tasks.retry_later(&raw, task::queue(&task), after).await,
                };
                settle(parked);
            }
            Err(TaskError::Unreachable(status)) => {
                tracing::warn!(%status, "server unreachable; handing the task back");
                settle(ctx.redis.tasks.hand_back(&raw, &task).await);
            }
            Err(error) => {
                tracing::error!(%error, "task failed");
                ctx.stats.failed.inc();
                let message = error.user_message();
                match retrying(|| ctx.reporter.fail(&task.job_id, &message, error.class())).await {
                    Ok(()) => settle(ctx.redis.tasks.ack(&raw).await),
                    Err(status) if stopped(&status) => settle(ctx.redis.tasks.ack(&raw).await),
                    Err(status) => {
                        tracing::warn!(%status, "could not record the failure; handing the task back");
                        settle(ctx.redis.tasks.hand_back(&raw, &task).await);
                    }
                }
            }
        }
    };
    runtime::trace::scope(trace, work.instrument(span)).await;
}

/// `task` carrying `answers` for its next attempt; `None` when it carries them already
/// (it is parked as it is).
fn with_answers(task: &ResumeTask, answers: Vec<v1::ModelAnswer>) -> Option<ResumeTask> {
    (answers != task.answers).then(|| ResumeTask { answers, ..task.clone() })
}

fn settle(result: Result<(), fred::error::Error>) {
    if let Err(error) = result {
        // The task stays in the in-flight list, where recovery finds it.
        tracing::error!(%error, "could not settle the task in Redis");
    }
}

/// Where a task keeps what it makes: the document under the request's key, the content
/// under the key of what the model sees (the same for every file type).
#[derive(Clone, Copy)]
struct CacheKeys<'a> {
    document: &'a str,
    content: &'a str,
}

/// The cache keys of `task`, when the cache is on and the task has a key.
fn cache_keys(cache_ttl: Option<Duration>, task: &ResumeTask) -> Option<CacheKeys<'_>> {
    let document = cache_ttl.and(Some(task.cache_key.as_str()).filter(|k| !k.is_empty()))?;
    // A task queued before contents were cached has no content key: its own key serves.
    let content = Some(task.content_key.as_str()).filter(|k| !k.is_empty()).unwrap_or(document);
    Some(CacheKeys { document, content })
}

/// Where the resume of a task with cache keys comes from, as its lookups decide in turn:
/// the result cache, the content cache, the generation lock.
#[derive(Debug, PartialEq)]
enum Source {
    /// An identical request's finished result, delivered as it is.
    Cached(CachedResume),
    /// The content another format of the same request made: rendered, no model call.
    Content(Content),
    /// Made here under the generation lock, and kept under the task's keys.
    Generate,
    /// Made here without the caches, one of which could not be read.
    GenerateUncached,
    /// An identical request is being generated: wait for its result, unclaimed.
    Wait,
}

/// What a look at the cache and the lock decides. An entry that cannot be read is
/// bypassed: the job generates without the lock, as it does when Redis cannot be read.
fn by_found(found: Result<Found, fred::error::Error>) -> Source {
    let unreadable = || {
        tracing::warn!("cached entry unreadable; generating without the cache");
        Source::GenerateUncached
    };
    match found {
        Ok(Found::Result(bytes)) => cache::decode(Some(&bytes)).map_or_else(unreadable, Source::Cached),
        Ok(Found::Content(bytes)) => match cache::decode(Some(&bytes)).and_then(|cached| cached.made) {
            Some(made) => Source::Content(made.into()),
            None => unreadable(),
        },
        Ok(Found::Lock(true)) => Source::Generate,
        Ok(Found::Lock(false)) => Source::Wait,
        Err(error) => {
            tracing::warn!(%error, "result cache and lock unavailable; generating without them");
            Source::GenerateUncached
        }
    }
}

async fn run(ctx: &Context, task: &ResumeTask) -> Result<Outcome, TaskError> {
    if task::kind(task) == JobKind::Import {
        return import(ctx, task).await;
    }
    let Some(keys) = cache_keys(ctx.cache_ttl, task) else {
        return build(ctx, task, None, None).await;
    };
    // Whether it looks is the cache's decision (a fresh variant takes no cached result; it
    // still stores its own, and still waits for an identical request in flight).
    let (kind, fresh) = (task::kind(task), task.fresh);
    let looks = cache::takes_cached(kind, fresh);
    let found = ctx.redis.locks.look(keys.document, keys.content, &task.job_id, looks).await;
    if looks && let Ok(found) = &found {
        ctx.stats.lookups.looked_up("result", matches!(found, Found::Result(_)));
        if !matches!(found, Found::Result(_)) {
            ctx.stats.lookups.looked_up("content", matches!(found, Found::Content(_)));
        }
    }
    let source = by_found(found);
    match source {
        Source::Cached(cached) => deliver_cached(ctx, task, cached).await,
        Source::Content(made) => build(ctx, task, Some(keys), Some(made)).await,
        Source::GenerateUncached => build(ctx, task, None, None).await,
        Source::Wait => Ok(Outcome::Wait),
        Source::Generate => {
            let outcome = build(ctx, task, Some(keys), None).await;
            if let Err(error) = ctx.redis.locks.unlock(keys.content, &task.job_id).await {
                tracing::warn!(%error, "could not release the generation lock; it expires");
            }
            outcome
        }
    }
}

/// Completes the job with a resume another job already made.
async fn deliver_cached(ctx: &Context, task: &ResumeTask, cached: CachedResume) -> Result<Outcome, TaskError> {
    let claim = retrying(|| ctx.reporter.claim(task, false)).await?;
    if !claim.proceed {
        return Ok(Outcome::Dropped);
    }
    let CachedResume { filename, content_type, content, made } = cached;
    let document = Document { filename, content_type, bytes: content };
    let provenance = Provenance { cache_hit: true, ..Provenance::default() };
    hand_over(ctx, task, &document, made.map(Content::from).as_ref(), provenance).await
}

/// Claims the job and makes its resume, from `made` (a cached content) when given; with
/// cache keys, keeps the content and the document for identical requests.
async fn build(
    ctx: &Context,
    task: &ResumeTask,
    keys: Option<CacheKeys<'_>>,
    made: Option<Content>,
) -> Result<Outcome, TaskError> {
    // A render makes no model call, so it takes nothing of the model's quota.
    let renders = task::kind(task) == JobKind::Render || made.is_some();
    // Over the model's quota: the task waits, unclaimed (the job stays PENDING).
    if !renders && let Some(wait) = must_wait(ctx.redis.task_limit.admit().await) {
        tracing::debug!(?wait, "task rate limit reached; task parked");
        ctx.stats.rate_limited.inc();
        return Ok(Outcome::RetryAfter(wait));
    }
    let claim = retrying(|| ctx.reporter.claim(task, ctx.cache_ttl.is_some())).await?;
    if !claim.proceed {
        return Ok(Outcome::Dropped);
    }
    let candidate = claim.candidate.ok_or(TaskError::NoCandidate)?;
    let job = claim.job.unwrap_or_default();
    let attempt = job.attempts.max(1) as u32;
    // The server stored a file type and document it validated; one it does not know (a
    // newer server's) fails the job. A job of a server older than documents names none.
    let file_type: FileType = job.file_type.parse().map_err(TaskError::Unsupported)?;
    let document_kind = match job.document.as_str() {
        "" => DocumentKind::Resume,
        named => named.parse().map_err(TaskError::Unsupported)?,
    };
    let target = claim.target;
    let shown = |content: &Content| printable(&candidate, target.as_ref(), content, job.anonymize);
    let mut reported = Instant::now();
    let paper = render::Paper::for_location(candidate.location.as_deref());
    // A content to render as it is, straight to 90 and then 100: the job's own edit, or one
    // an earlier job made from the same data (from Redis, or from the database at claim),
    // which is a cache hit and is kept as this format's document.
    let ready = match (made, claim.render_content) {
        (Some(made), _) => Some((made, true)),
        (None, stored) => stored.map(|content| (Content::from(content), claim.reused)),
    };
    if let Some((content, reused)) = ready {
        let document = render_file(shown(&content), file_type, paper).await?;
        if reused {
            keep(ctx, &candidate, keys.map(|k| k.document), &document, &content).await;
        }
        if progressed(ctx, task, RENDERED, &mut reported).await? {
            return Ok(Outcome::Dropped);
        }
        let provenance = Provenance { cache_hit: reused, ..Provenance::default() };
        return hand_over(ctx, task, &document, reused.then_some(&content), provenance).await;
    }
    let started = Instant::now();
    let generation = Generation { kind: document_kind, candidate: &candidate, target: target.as_ref() };
    let Some(generated) = generate_reporting(ctx, task, generation, &mut reported).await? else {
        return Ok(Outcome::Dropped);
    };
    let mut generated = match generated.result {
        Ok(generated) => generated,
        Err(error) => {
            tracing::warn!(attempt, %error, "attempt failed");
            return after_failure(&ctx.retry, attempt, error, generated.answers);
        }
    };
    for repair in &generated.repairs {
        tracing::info!(repair = repair.kind.name(), detail = %repair.detail, "model reply repaired");
        ctx.stats.repaired(repair.kind);
    }
    let provenance = Provenance {
        usage: generated.usage,
        model: Some(ctx.model.clone()),
        generation_ms: started.elapsed().as_millis() as i64,
        cache_hit: false,
        repairs: generated.repairs.iter().map(|r| r.kind.name()).collect(),
    };
    if progressed(ctx, task, CONTENT_READY, &mut reported).await? {
        return Ok(Outcome::Dropped);
    }
    // An anonymised letter is signed with the candidate's label, in its content too (an
    // edit of it keeps that signature).
    if let (Content::CoverLetter(letter), true) = (&mut generated.content, job.anonymize) {
        letter.signature = anonymous::label(&candidate.full_name);
    }
    let content = generated.content;
    let document = render_file(shown(&content), file_type, paper).await?;
    // Both kept at once, before the job ends: a request identical to one that succeeded
    // finds them.
    let keep_content = async {
        if let (Some(keys), Some(ttl)) = (keys, ctx.cache_ttl) {
            let made = CachedResume { made: Some(content.clone().into()), ..CachedResume::default() };
            if let Err(error) = ctx.redis.cache.put(&candidate, keys.content, &made, ttl).await {
                tracing::warn!(%error, "could not cache the content");
            }
        }
    };
    tokio::join!(keep_content, keep(ctx, &candidate, keys.map(|k| k.document), &document, &content));
    if progressed(ctx, task, RENDERED, &mut reported).await? {
        return Ok(Outcome::Dropped);
    }
    hand_over(ctx, task, &document, Some(&content), provenance).await
}

/// Claims an import and reads its file into a draft: a file that cannot be read fails it at
/// once (its message for the uploader), a model failure is retried as a resume's is.
async fn import(ctx: &Context, task: &ResumeTask) -> Result<Outcome, TaskError> {
    if let Some(wait) = must_wait(ctx.redis.task_limit.admit().await) {
        ctx.stats.rate_limited.inc();
        return Ok(Outcome::RetryAfter(wait));
    }
    let claim = retrying(|| ctx.reporter.claim(task, false)).await?;
    if !claim.proceed {
        return Ok(Outcome::Dropped);
    }
    let file = claim.import.ok_or(TaskError::NoCandidate)?;
    let attempt = claim.job.map_or(1, |job| job.attempts.max(1) as u32);
    let mut reported = Instant::now();
    if progressed(ctx, task, READING, &mut reported).await? {
        return Ok(Outcome::Dropped);
    }
    let started = Instant::now();
    let read = match import::read(file, ctx.generator.as_ref()).await {
        Ok(read) => read,
        Err(ImportError::Unreadable(message)) => return Err(TaskError::Unreadable(message)),
        Err(ImportError::Model(error)) => {
            tracing::warn!(attempt, %error, "import attempt failed");
            return after_failure(&ctx.retry, attempt, error, Vec::new());
        }
    };
    let took = started.elapsed().as_millis() as i64;
    tracing::info!(warnings = read.warnings.len(), roles = read.candidate.experience.len(), "import read");
    match retrying(|| ctx.reporter.complete_import(&task.job_id, &read, &ctx.model, took)).await {
        Ok(()) => Ok(Outcome::Done),
        Err(status) if stopped(&status) => Ok(Outcome::Dropped),
        Err(status) => Err(status.into()),
    }
}

/// Whether a task that calls the model must wait, as the task rate limit answered: how
/// long; `None` to start now, also when the limit could not be read (it fails open).
fn must_wait(admitted: Result<Option<Duration>, fred::error::Error>) -> Option<Duration> {
    admitted.unwrap_or_else(|error| {
        tracing::warn!(%error, "task rate limit unreadable; starting anyway");
        None
    })
}

/// What follows failed attempt `attempt` of a job: another attempt after a pause, carrying
/// the model's `answers` the job has, or the job's end.
fn after_failure(
    retry: &RetryPolicy,
    attempt: u32,
    error: ModelError,
    answers: Vec<v1::ModelAnswer>,
) -> Result<Outcome, TaskError> {
    let (class, message) = (error.class(), error.to_string());
    let (retry_after, unusable) = match error {
        ModelError::Transient { retry_after, .. } => (retry_after, false),
        ModelError::Invalid { .. } => (None, true),
        ModelError::Permanent { message } => return Err(TaskError::Model(message)),
    };
    if attempt < retry.max_attempts {
        let after = retry.delay(attempt, retry_after);
        Ok(Outcome::Retry { after, class, message, answers })
    } else {
        Err(TaskError::Exhausted { attempts: attempt, unusable })
    }
}

/// Keeps `document` (made from `content` for `candidate`) under the request's key, when
/// caching.
async fn keep(ctx: &Context, candidate: &v1::Candidate, key: Option<&str>, document: &Document, content: &Content) {
    let (Some(key), Some(ttl)) = (key, ctx.cache_ttl) else { return };
    let cached = CachedResume {
        filename: document.filename.clone(),
        content_type: document.content_type.clone(),
        content: document.bytes.clone(),
        made: Some(content.clone().into()),
    };
    if let Err(error) = ctx.redis.cache.put(candidate, key, &cached, ttl).await {
        tracing::warn!(%error, "could not cache the result");
    }
}

/// Renders `shown` off the async threads.
async fn render_file(shown: Printable, file_type: FileType, paper: render::Paper) -> Result<Document, TaskError> {
    let rendered = tokio::task::spawn_blocking(move || render::render(&shown, file_type, paper))
        .await
        .map_err(|e| TaskError::Render(RenderError::Docx(e.to_string())))?;
    Ok(rendered?)
}

/// Hands the finished document, and the content it was rendered from, to the server.
async fn hand_over(
    ctx: &Context,
    task: &ResumeTask,
    document: &Document,
    content: Option<&Content>,
    provenance: Provenance,
) -> Result<Outcome, TaskError> {
    // The model's content is kept under the task's content key (an edit under none).
    let render = task::kind(task) == JobKind::Render;
    let made = content.map(|c| (c, if render { "" } else { task.content_key.as_str() }));
    match retrying(|| ctx.reporter.complete(&task.job_id, document, made, provenance.clone())).await {
        Ok(()) => Ok(Outcome::Done),
        Err(status) if stopped(&status) => Ok(Outcome::Dropped),
        Err(status) => Err(status.into()),
    }
}

/// Whether the server's refusal says the job was stopped while it ran: cancelled
/// (`FAILED_PRECONDITION`), or deleted with its candidate or its owner (`NOT_FOUND`).
/// Nothing is left to report then: the task is dropped, not failed.
fn stopped(status: &Status) -> bool {
    matches!(status.code(), Code::FailedPrecondition | Code::NotFound)
}

/// Reports progress, unless the last report (or the claim, at `reported`) was less than
/// [`PROGRESS_EVERY`] ago: steps faster than that are not worth a write nobody could see.
/// True when the job was cancelled (or deleted) and the task should stop.
async fn progressed(
    ctx: &Context,
    task: &ResumeTask,
    progress: i32,
    reported: &mut Instant,
) -> Result<bool, TaskError> {
    if reported.elapsed() < PROGRESS_EVERY {
        return Ok(false);
    }
    report(ctx, task, progress, &Written::default(), reported).await
}

/// Reports `progress`, with what is being written and the content written so far of
/// `written`; true when the job was cancelled (or deleted).
async fn report(
    ctx: &Context,
    task: &ResumeTask,
    progress: i32,
    written: &Written,
    reported: &mut Instant,
) -> Result<bool, TaskError> {
    *reported = Instant::now();
    let (status, so_far) = (written.status.as_deref(), written.so_far.as_ref());
    let cancelled = match retrying(|| ctx.reporter.progress(&task.job_id, progress, status, so_far)).await {
        Ok(cancelled) => cancelled,
        Err(status) if stopped(&status) => true,
        Err(status) => return Err(status.into()),
    };
    if cancelled {
        tracing::info!("job cancelled; stopping");
    }
    Ok(cancelled)
}

/// What a generation makes: the document, for whom, to which target.
struct Generation<'a> {
    kind: DocumentKind,
    candidate: &'a v1::Candidate,
    target: Option<&'a v1::CandidateJob>,
}

/// The progress of a job whose model has written `share` of its expected reply: from the
/// claim's to the content's, never past it.
fn generating(share: f64) -> i32 {
    let span = f64::from(CONTENT_READY - CLAIMED);
    CLAIMED + (span * share.clamp(0.0, 1.0)).floor() as i32
}

/// One attempt at the content, its progress reported as the model writes it (at most every
/// [`PROGRESS_EVERY`], only when it moved forward); `None` when the job was
/// cancelled meanwhile (the attempt is dropped: its calls stop).
async fn generate_reporting(
    ctx: &Context,
    task: &ResumeTask,
    generation: Generation<'_>,
    reported: &mut Instant,
) -> Result<Option<Attempt>, TaskError> {
    let (progress, mut written) = tokio::sync::watch::channel(Written::default());
    let attempt =
        ctx.generator.generate(generation.kind, generation.candidate, generation.target, &task.answers, &progress);
    tokio::pin!(attempt);
    let mut shown = CLAIMED;
    // The content last sent: sent again only when it changed.
    let mut sent = None;
    loop {
        let due = *reported + PROGRESS_EVERY;
        let next = async {
            written.changed().await.ok()?;
            tokio::time::sleep_until(due.into()).await;
            Some(())
        };
        tokio::select! {
            attempt = &mut attempt => return Ok(Some(attempt)),
            Some(()) = next => {
                let mut now = written.borrow_and_update().clone();
                let progress = generating(now.share);
                if progress > shown {
                    shown = progress;
                    if now.so_far == sent {
                        now.so_far = None;
                    } else {
                        sent.clone_from(&now.so_far);
                    }
                    if report(ctx, task, progress, &now, reported).await? {
                        return Ok(None);
                    }
                }
            }
        }
    }
}

/// `call`, tried again after a pause while the server does not answer.
async fn retrying<T, F, Fut>(mut call: F) -> Result<T, Status>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, Status>>,
{
    let mut delays = RETRY_DELAYS.iter();
    loop {
        match call().await {
            Err(status) if matches!(TaskError::from(status.clone()), TaskError::Unreachable(_)) => {
                let Some(delay) = delays.next() else {
                    return Err(status);
                };
                tracing::debug!(%status, ?delay, "server call failed; retrying");
                tokio::time::sleep(*delay).await;
            }
            result => return result,
        }
    }
}

#[cfg(test)]
mod tests;
