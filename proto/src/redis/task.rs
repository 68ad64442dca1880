//! The task message on the queue lists: made by the server, read by the workers.

use prost::Message;

use crate::{
    job::{JobKind, Priority},
    redis::keys::Queue,
    time::to_timestamp,
    v1::ResumeTask,
};

/// How a task's job is made.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Work {
    /// The document cache key of the request; empty when caching is off or for a render.
    pub cache_key: String,
    /// The content cache key (what the model sees); empty likewise.
    pub content_key: String,
    /// A new variant: no cached result is taken.
    pub fresh: bool,
    /// What the job does (a render makes no model call).
    pub kind: JobKind,
    /// The job's run the task is for (0 until an operator retries it).
    pub run: i32,
}

/// A task of `owner`'s job `job_id` (of candidate `candidate_id`, 0 for none, and target
/// job `job_row_id`), queued now.
pub fn new(
    job_id: &str,
    owner: &str,
    (candidate_id, job_row_id): (i64, Option<i64>),
    priority: Priority,
    work: Work,
) -> ResumeTask {
    let Work { cache_key, content_key, fresh, kind, run } = work;
    ResumeTask {
        job_id: job_id.to_owned(),
        enqueued_at: Some(to_timestamp(chrono::Utc::now())),
        priority: priority.as_str().to_owned(),
        cache_key,
        fresh,
        render_only: kind == JobKind::Render,
        content_key,
        run,
        rate_limited: false,
        traceparent: String::new(),
        answers: Vec::new(),
        kind: kind.as_str().to_owned(),
        owner: owner.to_owned(),
        candidate_id,
        job_row_id,
    }
}

/// A task's bytes, as pushed.
pub fn encode(task: &ResumeTask) -> Vec<u8> {
    task.encode_to_vec()
}

/// A task as it lies in Redis; `None` for bytes that are not one (dropped by whoever
/// finds them).
pub fn decode(raw: &[u8]) -> Option<ResumeTask> {
    ResumeTask::decode(raw).ok()
}

/// What a task's job does: its `kind`, or for a task of a server older than kinds (or a
/// kind this version does not know), `render_only`'s answer.
pub fn kind(task: &ResumeTask) -> JobKind {
    match task.kind.parse() {
        Ok(kind) => kind,
        Err(_) if task.render_only => JobKind::Render,
        Err(_) => JobKind::Generate,
    }
}

/// The queue a task belongs to (and returns to when handed back): its priority's, or the
/// default queue for a priority this version does not know.
pub fn queue(task: &ResumeTask) -> Queue {
    task.priority.parse().map_or(Queue::ResumeGeneration, Queue::of)
}

/// Where the task `raw` (its bytes as they lie in Redis) waits when it is queued: its
/// queue ([`queue`]) and its owner's list. Bytes that are not a task go to the default
/// queue under no owner, for the worker that takes them to drop.
pub fn place(raw: &[u8]) -> (Queue, String) {
    decode(raw).map_or((Queue::ResumeGeneration, String::new()), |task| (queue(&task), task.owner))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_task_round_trips_and_knows_its_queue() {
        let work = Work { cache_key: "k".into(), content_key: "c".into(), fresh: true, kind: JobKind::Import, run: 2 };
        let task = new("j1", "ann", (7, Some(9)), Priority::High, work);
        let read = decode(&encode(&task)).unwrap();
        assert_eq!((read.candidate_id, read.job_row_id), (7, Some(9)), "whose job it is");
        assert_eq!((read.job_id.as_str(), read.cache_key.as_str(), read.fresh), ("j1", "k", true));
        assert_eq!((read.content_key.as_str(), read.run), ("c", 2));
        assert_eq!((queue(&read), read.owner.as_str()), (Queue::PriorityHigh, "ann"));
        assert_eq!(kind(&read), JobKind::Import);
        let older = ResumeTask { kind: String::new(), render_only: true, ..read.clone() };
        assert_eq!(kind(&older), JobKind::Render, "a task without a kind is read as before");
        assert!(read.answers.is_empty(), "a new task has no model answers");
        assert!(decode(b"\xff\xff").is_none());
        assert_eq!(place(&encode(&read)), (Queue::PriorityHigh, "ann".to_owned()));
        assert_eq!(place(b"\xff\xff"), (Queue::ResumeGeneration, String::new()));
        let answer = crate::v1::ModelAnswer { call: "resume_main".into(), reply: "{}".into(), ..Default::default() };
        let retried = ResumeTask { answers: vec![answer.clone()], ..task };
        assert_eq!(decode(&encode(&retried)).map(|t| t.answers), Some(vec![answer]));
    }
}
