//! The task message on the queue lists: made by the server, read by the workers.

use prost::Message;

use crate::{job::Priority, redis::keys::Queue, time::to_timestamp, v1::ResumeTask};

/// A task of job `job_id`, queued now; `cache_key` empty when caching is off.
pub fn new(job_id: &str, priority: Priority, cache_key: String) -> ResumeTask {
    ResumeTask {
        job_id: job_id.to_owned(),
        enqueued_at: Some(to_timestamp(chrono::Utc::now())),
        priority: priority.as_str().to_owned(),
        cache_key,
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

/// The queue a task belongs to (and returns to when handed back): its priority's, or the
/// default queue for a priority this version does not know.
pub fn queue(task: &ResumeTask) -> Queue {
    task.priority.parse().map_or(Queue::ResumeGeneration, Queue::of)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_task_round_trips_and_knows_its_queue() {
        let task = new("j1", Priority::High, "k".into());
        let read = decode(&encode(&task)).unwrap();
        assert_eq!((read.job_id.as_str(), read.cache_key.as_str()), ("j1", "k"));
        assert_eq!(queue(&read), Queue::PriorityHigh);
        assert!(decode(b"\xff\xff").is_none());
    }
}
