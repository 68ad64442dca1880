//! The worker's side of a job: claim it, move its progress, hand over the file or the
//! failure, note a scheduled retry, a rate-limit wait or a lost worker. Every change goes
//! through [`lifecycle::transition`], so a task delivered twice or a cancel racing a
//! completion cannot move a job backwards.

use resume_proto::{
    content::Content,
    job::{ErrorClass, JobKind, JobStatus},
    redis::{Queue, cache},
    v1,
};
use sea_orm::{ActiveModelTrait, ColumnTrait, Condition, EntityTrait, Set};

use crate::{
    AppState,
    core::{
        candidates, documents, imports, jobs,
        lifecycle::{self, Completion, Live, Move},
        validate,
        view::to_proto,
    },
    db::{
        self, candidate, candidate_job,
        errors::normalise,
        job_event::Kind,
        lost_worker, resume_content, resume_job,
        writer::{Event, Kept},
    },
    error::{Error, Result},
};

/// Marks the job PROCESSING for one more attempt and returns what it is built from;
/// `proceed: false` when it must not run (cancelled, ended, or gone).
pub async fn claim(state: &AppState, req: v1::ClaimTaskRequest) -> Result<v1::ClaimTaskResponse> {
    let v1::ClaimTaskRequest { job_id, worker_id, content_key, fresh, run, candidate_id, job_row_id } = req;
    let (job_id, worker_id) = (job_id.as_str(), worker_id.as_str());
    let job_id = validate::job_id(job_id)?;
    let claim = Move::Claim { worker: worker_id, run };
    let moved = lifecycle::transition(
        state,
        claim,
        resume_job::Column::Id.eq(job_id.as_str()),
        Kept::events([Event::new(Kind::Claimed).worker(worker_id)]),
    );
    // When the task names the job's candidate and target (a job's never change), what the
    // job is built from is read while it is claimed: a claim is on every job's path, and
    // its reads after its write were a round trip of its own. What the row then needs
    // otherwise (a render's own content: the request does not say it is one) is read after.
    let named = Needs::named(candidate_id, job_row_id, &content_key, fresh);
    let early = async { if candidate_id > 0 { Some(named.read(state).await) } else { None } };
    let (claimed, early) = futures::join!(moved, early);
    let Some(row) = claimed?.into_iter().next() else {
        let job = resume_job::Entity::find_by_id(job_id.clone()).one(&state.db).await?.map(to_proto);
        tracing::info!(%job_id, worker_id, "task dropped: job not runnable");
        return Ok(v1::ClaimTaskResponse { proceed: false, job, ..Default::default() });
    };
    tracing::info!(%job_id, worker_id, attempt = row.attempts, "task claimed");
    state.metrics.claimed(&row);
    if row.kind == JobKind::Import {
        let import = imports::file_of(state, &job_id).await?;
        let job = lifecycle::announce(state, row).await;
        return Ok(v1::ClaimTaskResponse { proceed: true, job: Some(job), import: Some(import), ..Default::default() });
    }
    let needs = Needs::of(&row, &content_key, fresh)?;
    let read = match early {
        Some(Ok(read)) if needs == named => read,
        _ => needs.read(state).await?,
    };
    let candidate = read.candidate.ok_or_else(|| Error::Corrupt(format!("job {job_id} has no candidate")))?;
    let target = match needs.target {
        Some(id) => Some(candidates::owned_target(read.target, &row.owner, needs.candidate, id)?),
        None => None,
    };
    // A render job renders the content stored with it; another job, the content an
    // earlier one made from the same data, if there is one young enough.
    let render = read.content.map(|found| documents::decode_content(&found, row.document)).transpose()?;
    if needs.stored.is_some() && render.is_none() {
        return Err(Error::Corrupt(format!("render job {job_id} has no content")));
    }
    let reused = needs.stored.is_none() && render.is_some();
    if needs.reusable.is_some() {
        state.metrics.lookups.looked_up("content", reused);
    }
    let job = lifecycle::announce(state, row).await;
    Ok(v1::ClaimTaskResponse {
        proceed: true,
        job: Some(job),
        candidate: Some(candidates::to_proto(candidate)?),
        target,
        render_content: render.map(Into::into),
        reused,
        import: None,
    })
}

/// What a claimed job is built from, by key: its candidate, its target job, and a content
/// (an earlier job's by its content key, or the render job's own by its id).
#[derive(Debug, PartialEq)]
struct Needs<'a> {
    candidate: i64,
    target: Option<i64>,
    reusable: Option<&'a str>,
    stored: Option<&'a str>,
}

/// What [`Needs::read`] found.
struct Read {
    candidate: Option<candidate::Model>,
    target: Option<candidate_job::Model>,
    content: Option<resume_content::Model>,
}

impl<'a> Needs<'a> {
    /// What a claim's task names: the job's candidate and target, and `content_key` unless
    /// the task is `fresh`. A generation's row needs exactly that ([`Needs::of`]).
    fn named(candidate: i64, target: Option<i64>, content_key: &'a str, fresh: bool) -> Needs<'a> {
        Needs { candidate, target, reusable: Some(content_key).filter(|key| !key.is_empty() && !fresh), stored: None }
    }

    /// What job `row` needs, claimed by a task with `content_key` (empty: none looked
    /// for) that is `fresh` or not.
    fn of(row: &'a resume_job::Model, content_key: &'a str, fresh: bool) -> Result<Needs<'a>> {
        let kind = row.does();
        Ok(Needs {
            candidate: row.candidate()?,
            target: row.job_row_id,
            reusable: Some(content_key).filter(|key| !key.is_empty() && cache::takes_cached(kind, fresh)),
            stored: (kind == JobKind::Render).then_some(row.id.as_str()),
        })
    }

    /// Reads them all at once (three round trips one after the other were most of a
    /// claim's time).
    async fn read(&self, state: &AppState) -> Result<Read> {
        let candidate = async { Ok(state.by_key.candidates.get(self.candidate).await?.map(|row| row.candidate)) };
        let target = async {
            match self.target {
                Some(id) => Ok(state.by_key.targets.get(id).await?),
                None => Ok(None),
            }
        };
        let content = async {
            match (self.stored, self.reusable) {
                (Some(job_id), _) => Ok(resume_content::Entity::find_by_id(job_id.to_owned()).one(&state.db).await?),
                (None, Some(key)) => documents::reusable_row(state, key).await,
                (None, None) => Ok(None),
            }
        };
        let (candidate, target, content) = futures::try_join!(candidate, target, content)?;
        Ok(Read { candidate, target, content })
    }
}

/// The longest status text a worker may report.
const MAX_STATUS_TEXT: usize = 200;

/// Moves a running job's progress forward, telling its watchers what the worker says with
/// it (`live`: what is being written, the content so far); answers whether the worker
/// should stop (the job was cancelled or has otherwise ended).
pub async fn progress(state: &AppState, job_id: &str, progress: i32, live: Live) -> Result<bool> {
    let job_id = validate::job_id(job_id)?;
    if !(1..100).contains(&progress) {
        return Err(Error::InvalidArgument("progress must be between 1 and 99".into()));
    }
    if live.status_text.as_ref().is_some_and(|text| text.chars().count() > MAX_STATUS_TEXT) {
        return Err(Error::InvalidArgument(format!("status_text must be at most {MAX_STATUS_TEXT} characters")));
    }
    let moved = lifecycle::transition(
        state,
        Move::Progress(progress),
        resume_job::Column::Id.eq(job_id.as_str()),
        Kept::default(),
    )
    .await?;
    if let Some(row) = moved.into_iter().next() {
        let status_text = live.status_text.filter(|text| !text.trim().is_empty());
        lifecycle::announce_saying(state, row, Live { status_text, ..live }).await;
        return Ok(false);
    }
    let row = jobs::any(state, &job_id).await?;
    Ok(row.status != JobStatus::Processing)
}

/// A finished document and what making it cost.
pub struct Handover {
    pub filename: String,
    pub content_type: String,
    pub content: Vec<u8>,
    pub prompt_tokens: i32,
    pub cached_tokens: i32,
    pub completion_tokens: i32,
    /// The model that made `made`; empty when none ran for this job.
    pub model: String,
    pub generation_ms: i64,
    pub cache_hit: bool,
    /// What the file was rendered from.
    pub made: Option<Content>,
    /// The content cache key `made` was made for; empty for none.
    pub content_key: String,
    /// The kind of each repair made to the model's reply.
    pub repairs: Vec<String>,
}

/// Stores the finished file (once, however many jobs return it) and marks the job SUCCESS,
/// in one transaction.
pub async fn complete(state: &AppState, job_id: &str, handover: Handover) -> Result<v1::Job> {
    let Handover {
        filename,
        content_type,
        content,
        prompt_tokens,
        cached_tokens,
        completion_tokens,
        model,
        generation_ms,
        cache_hit,
        made,
        content_key,
        repairs,
    } = handover;
    let job_id = validate::job_id(job_id)?;
    let (filename, content_type) = (validate::printable(&filename), validate::printable(&content_type));
    validate::bounded("filename", &filename, 255)?;
    validate::bounded("content_type", &content_type, 255)?;
    let size = content.len() as i64;
    let detail = match cache_hit {
        true => "from a cached content, no model call".to_owned(),
        false => {
            format!(
                "{generation_ms} ms generating, {prompt_tokens} + {completion_tokens} tokens ({cached_tokens} cached){}",
                repaired(&repairs)
            )
        }
    };
    let events = vec![Event::new(Kind::Succeeded).detail(detail)];
    let keeps = documents::kept(events, content_type, content, made.as_ref().map(|m| (m, content_key.as_str())));
    let done = Completion {
        filename: Some(filename),
        prompt_tokens,
        cached_tokens,
        completion_tokens,
        model: (!model.is_empty()).then_some(model),
        generation_ms,
        cache_hit,
    };
    let done =
        lifecycle::transition(state, Move::Complete(&done), resume_job::Column::Id.eq(job_id.as_str()), keeps).await?;
    let Some(row) = done.into_iter().next() else {
        let row = jobs::any(state, &job_id).await?;
        return Err(Error::FailedPrecondition(format!("job {job_id} is {}, not PROCESSING", row.status)));
    };
    tracing::info!(%job_id, size, "job succeeded");
    Ok(lifecycle::announce(state, row).await)
}

/// How the timeline tells the repairs made to a model's reply: `; repaired: letter_fact ×2,
/// headline ×1`, kinds in the order first made; nothing without repairs.
fn repaired(repairs: &[String]) -> String {
    let mut counted: Vec<(&str, usize)> = Vec::new();
    for kind in repairs {
        match counted.iter_mut().find(|(k, _)| k == kind) {
            Some((_, n)) => *n += 1,
            None => counted.push((kind, 1)),
        }
    }
    if counted.is_empty() {
        return String::new();
    }
    let listed: Vec<String> = counted.iter().map(|(kind, n)| format!("{kind} ×{n}")).collect();
    format!("; repaired: {}", listed.join(", "))
}

/// The class a worker named: `unknown` for none (a worker older than error classes) or for
/// one this server does not know (a newer worker's), so that the failure is still recorded.
pub fn class_of(class: &str) -> ErrorClass {
    class.parse().unwrap_or_else(|_| {
        if !class.is_empty() {
            tracing::warn!(class = %class.chars().take(64).collect::<String>(), "unknown error class");
        }
        ErrorClass::Unknown
    })
}

/// Records that the job failed for good, with a message for its owner and its class.
pub async fn fail(state: &AppState, job_id: &str, error_message: &str, class: ErrorClass) -> Result<v1::Job> {
    let job_id = validate::job_id(job_id)?;
    validate::bounded("error_message", error_message, 1000)?;
    let error_message = &validate::printable(error_message);
    let event = Event::new(Kind::Failed).detail(error_message).error(class, normalise(error_message));
    let fail = Move::Fail { message: error_message };
    let failed =
        lifecycle::transition(state, fail, resume_job::Column::Id.eq(job_id.as_str()), Kept::events([event])).await?;
    match failed.into_iter().next() {
        Some(row) => {
            tracing::warn!(%job_id, error_message, "job failed");
            Ok(lifecycle::announce(state, row).await)
        }
        None => jobs::any(state, &job_id).await.map(to_proto),
    }
}

/// Adds `event` to job `job_id`'s timeline if it is still running; NOT_FOUND for a job
/// that does not exist, nothing for one that has ended.
async fn note(state: &AppState, job_id: &str, event: Event) -> Result<()> {
    let which = resume_job::Column::Id.eq(job_id);
    if lifecycle::transition(state, Move::Note, which, Kept::events([event])).await?.is_empty() {
        jobs::any(state, job_id).await?;
    }
    Ok(())
}

/// Records on a running job's timeline that an attempt failed (`error_class`,
/// `error_message`) and that `worker_id` will try again in `retry_in_ms`. A job that has
/// ended meanwhile is left as it is.
pub async fn schedule_retry(state: &AppState, req: v1::ScheduleRetryRequest) -> Result<()> {
    let v1::ScheduleRetryRequest { job_id, worker_id, error_class, error_message, retry_in_ms } = req;
    let job_id = validate::job_id(&job_id)?;
    validate::bounded("error_message", &error_message, 1000)?;
    let error_message = validate::printable(&error_message);
    let class = class_of(&error_class);
    let detail = format!("{error_message}; next attempt in {} ms", Ord::max(retry_in_ms, 0));
    let mut event = Event::new(Kind::RetryScheduled).detail(detail).error(class, normalise(&error_message));
    if !worker_id.is_empty() {
        event = event.worker(&worker_id);
    }
    note(state, &job_id, event).await?;
    tracing::info!(%job_id, %class, retry_in_ms, "retry scheduled");
    Ok(())
}

/// Records worker `lost_worker_id` as lost with what it last said of itself and the jobs
/// of the tasks it held, and on the timeline of each of those jobs still running that its
/// task goes back to its queue (the worker that reports it returns the tasks next).
pub async fn lost_worker(state: &AppState, req: v1::ReportLostWorkerRequest) -> Result<()> {
    let v1::ReportLostWorkerRequest { worker_id, lost_worker_id, last_heartbeat, job_ids } = req;
    validate::bounded("lost_worker_id", &lost_worker_id, 200)?;
    let job_ids: Vec<String> = job_ids.iter().filter_map(|id| validate::job_id(id).ok()).collect();
    let beat = last_heartbeat.unwrap_or_default();
    lost_worker::ActiveModel {
        worker_id: Set(lost_worker_id.clone()),
        lost_at: Set(db::now()),
        host: Set(beat.host),
        concurrency: Set(beat.concurrency),
        processed: Set(beat.processed),
        failed: Set(beat.failed),
        last_heartbeat: Set(beat.last_heartbeat.as_ref().and_then(resume_proto::time::from_timestamp)),
        held_job_ids: Set(job_ids.join(",")),
        ..Default::default()
    }
    .insert(&state.db)
    .await?;
    tracing::warn!(lost_worker_id, reported_by = worker_id, jobs = job_ids.len(), "worker lost");
    // One note per queue, as each names its own.
    let mut returned = 0;
    for queue in Queue::ALL {
        let detail = format!("from lost worker {lost_worker_id}: back in {}, returned by {worker_id}", queue.name());
        let event = Event::new(Kind::Recovered).worker(&lost_worker_id).detail(detail);
        let held = Condition::all()
            .add(resume_job::Column::Id.is_in(job_ids.iter().map(String::as_str)))
            .add(resume_job::Column::Priority.eq(queue.priority()));
        returned += lifecycle::transition(state, Move::Note, held, Kept::events([event])).await?.len();
    }
    state.metrics.worker_lost(returned);
    Ok(())
}

/// Records on a waiting job's timeline that the task rate limit makes it wait `wait_ms`
/// (it stays PENDING). A job that has ended meanwhile is left as it is.
pub async fn rate_limited(state: &AppState, req: v1::ReportRateLimitedRequest) -> Result<()> {
    let v1::ReportRateLimitedRequest { job_id, worker_id, wait_ms } = req;
    let job_id = validate::job_id(&job_id)?;
    let seconds = (Ord::max(wait_ms, 0) as f64 / 1000.0).ceil() as i64;
    let detail = format!("the model's task rate limit was reached; it starts in about {seconds} s");
    let mut event = Event::new(Kind::RateLimited).detail(detail);
    if !worker_id.is_empty() {
        event = event.worker(&worker_id);
    }
    note(state, &job_id, event).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::testing::job;

    /// A claim reads what its task names while it claims, and uses it when the claimed row
    /// needs the same: for every generation (fresh or not, with a cache key or without),
    /// else each claim would read everything twice, after its write as well.
    #[test]
    fn a_generation_needs_what_its_task_names_and_a_render_more() {
        let generation = resume_job::Model { job_row_id: Some(7), ..job("j") };
        for (key, fresh) in [("k", false), ("k", true), ("", false)] {
            assert_eq!(
                Needs::of(&generation, key, fresh).unwrap(),
                Needs::named(1, Some(7), key, fresh),
                "{key} {fresh}"
            );
        }
        let render = resume_job::Model { kind: JobKind::Render, ..generation.clone() };
        let needs = Needs::of(&render, "", false).unwrap();
        assert_eq!(needs.stored, Some("j"), "its own content");
        assert_ne!(needs, Needs::named(1, Some(7), "", false), "read after the claim");
    }
}
