//! Every Redis key and channel of one deployment, and the queues.
//!
//! Every key carries the hash tag `{<prefix>}` so that all of them live in one Redis
//! Cluster slot: a task moves between lists (`LMOVE`) atomically only within one slot,
//! and one `MGET` reads every heartbeat.
//!
//! A queue is fair across owners: each owner's waiting tasks are a list of their own
//! ([`Keys::waiting`]), the owners with tasks waiting take turns ([`Keys::owners`]), and a
//! counter keeps the queue's depth ([`Keys::depth`]). The scripts that change them are
//! `runtime::queue`'s (queueing) and the worker's (taking).

use crate::{job::Priority, v1};

/// A queue list, in the order workers take from them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Queue {
    /// Tasks submitted with `priority: high`; always taken first.
    PriorityHigh,
    /// Everything else.
    ResumeGeneration,
}

impl Queue {
    /// Every queue, highest priority first.
    pub const ALL: [Queue; 2] = [Queue::PriorityHigh, Queue::ResumeGeneration];

    /// The queue's public name, as the admin API shows it.
    pub fn name(self) -> &'static str {
        match self {
            Queue::PriorityHigh => "priority_high",
            Queue::ResumeGeneration => "resume_generation",
        }
    }

    /// The queue named `name`, if there is one.
    pub fn named(name: &str) -> Option<Queue> {
        Queue::ALL.into_iter().find(|queue| queue.name() == name)
    }

    /// The queue a job of `priority` goes to.
    pub fn of(priority: Priority) -> Queue {
        match priority {
            Priority::High => Queue::PriorityHigh,
            Priority::Default => Queue::ResumeGeneration,
        }
    }

    /// The priority of the jobs this queue holds.
    pub fn priority(self) -> Priority {
        match self {
            Queue::PriorityHigh => Priority::High,
            Queue::ResumeGeneration => Priority::Default,
        }
    }
}

/// Key names under one prefix, so that tests and deployments can share a Redis.
#[derive(Debug, Clone)]
pub struct Keys {
    tag: String,
}

impl Keys {
    /// Keys under `{prefix}:`.
    pub fn new(prefix: &str) -> Keys {
        Keys { tag: format!("{{{prefix}}}") }
    }

    /// The owners with tasks waiting in `queue`, in the order they are served: a list in
    /// which each owner appears once, and only while their own list ([`Keys::waiting`]) holds
    /// a task. A worker takes from the first owner and moves them to the end.
    pub fn owners(&self, queue: Queue) -> String {
        format!("{}:{}:owners", self.tag, queue.name())
    }

    /// The list of `owner`'s tasks waiting in `queue`, oldest first.
    pub fn waiting(&self, queue: Queue, owner: &str) -> String {
        format!("{}{owner}", self.waiting_prefix(queue))
    }

    /// What every [`Keys::waiting`] list of `queue` begins with: the take script adds the
    /// owner it serves.
    pub fn waiting_prefix(&self, queue: Queue) -> String {
        format!("{}:{}:owner:", self.tag, queue.name())
    }

    /// How many tasks wait in `queue` (a counter the queue scripts keep), so that its depth
    /// is read in O(1) however many owners wait.
    pub fn depth(&self, queue: Queue) -> String {
        format!("{}:{}:depth", self.tag, queue.name())
    }

    /// The one list of a queue's waiting tasks that servers older than fair queues push to
    /// (and their workers hand back to): workers drain it first, so that no task queued
    /// before an upgrade is stranded.
    pub fn unfair(&self, queue: Queue) -> String {
        format!("{}:{}", self.tag, queue.name())
    }

    /// The sorted set of a queue's tasks waiting out a retry delay, scored by the unix
    /// time in milliseconds at which they are due.
    pub fn delayed(&self, queue: Queue) -> String {
        format!("{}:delayed:{}", self.tag, queue.name())
    }

    /// The list of tasks one worker has taken and not yet finished.
    pub fn in_flight(&self, worker_id: &str) -> String {
        format!("{}:inflight:{worker_id}", self.tag)
    }

    /// The set of worker ids that ever registered (each one's liveness is its heartbeat key).
    pub fn workers(&self) -> String {
        format!("{}:workers", self.tag)
    }

    /// One worker's heartbeat (an encoded `WorkerHeartbeat`); it expires unless the
    /// worker keeps beating.
    pub fn heartbeat(&self, worker_id: &str) -> String {
        format!("{}:worker:{worker_id}", self.tag)
    }

    /// A copy of one worker's heartbeat that outlives it by [`crate::redis::registry::LOST_SHOWN`]:
    /// what a lost worker last said of itself.
    pub fn last_heartbeat(&self, worker_id: &str) -> String {
        format!("{}:lastbeat:{worker_id}", self.tag)
    }

    /// The lock held by the one worker returning a dead worker's tasks.
    pub fn sweeping(&self, worker_id: &str) -> String {
        format!("{}:sweeping:{worker_id}", self.tag)
    }

    /// A finished resume (an encoded `CachedResume`) under its request's cache key.
    pub fn cached(&self, cache_key: &str) -> String {
        format!("{}:cache:{cache_key}", self.tag)
    }

    /// The set of every cache entry (its whole key) a job of `candidate` wrote: what
    /// erasing the candidate deletes.
    pub fn cached_by(&self, candidate: &v1::Candidate) -> String {
        format!("{}:cached-by:{}", self.tag, identity(candidate))
    }

    /// The marker of an erased `candidate`: while it lives, no entry is cached for them (a
    /// worker that finishes after the erasure writes nothing).
    pub fn erased(&self, candidate: &v1::Candidate) -> String {
        format!("{}:erased:{}", self.tag, identity(candidate))
    }

    /// The lock held while one job generates the resume for `cache_key`.
    pub fn generating(&self, cache_key: &str) -> String {
        format!("{}:generating:{cache_key}", self.tag)
    }

    /// A marker that is always there while Redis keeps its data: its absence means the
    /// queues were lost and must be rebuilt from the database.
    pub fn intact(&self) -> String {
        format!("{}:intact", self.tag)
    }

    /// The set of paused queues' names: workers take no task from them. The database holds
    /// the truth; the servers copy it here (again after Redis lost its data).
    pub fn paused(&self) -> String {
        format!("{}:paused", self.tag)
    }

    /// The lock held by the one server deleting what is older than `RETENTION_DAYS`.
    pub fn retention_lock(&self) -> String {
        format!("{}:retention", self.tag)
    }

    /// The lock held by the one server rebuilding lost queues.
    pub fn recovery_lock(&self) -> String {
        format!("{}:recovering", self.tag)
    }

    /// The state of one rate limit (see [`crate::rate`]): `api:<user id>` or `tasks`.
    pub fn rate(&self, limit: &str) -> String {
        format!("{}:rate:{limit}", self.tag)
    }

    /// A `SCAN` pattern matching every key of the deployment.
    pub fn every_key(&self) -> String {
        format!("{}:*", self.tag)
    }

    /// The channel on which the server announces new tasks, waking idle workers.
    pub fn wake_channel(&self) -> String {
        format!("{}:wake", self.tag)
    }

    /// The channel on which every job change is published (an encoded `Job`), for
    /// `WatchJob` subscribers on any server.
    pub fn events_channel(&self) -> String {
        format!("{}:events", self.tag)
    }
}

/// A candidate as the cache's lists name them: their id and when they were created, so
/// that a database started again from empty (ids from 1 again) beside a Redis that kept its
/// data does not find the lists or markers of the candidates it forgot.
fn identity(candidate: &v1::Candidate) -> String {
    let (seconds, nanos) = candidate.created_at.as_ref().map_or((0, 0), |t| (t.seconds, t.nanos));
    format!("{}.{seconds}.{nanos}", candidate.id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_shares_one_hash_tag() {
        let keys = Keys::new("resume");
        for key in [
            keys.owners(Queue::PriorityHigh),
            keys.waiting(Queue::ResumeGeneration, "u1"),
            keys.depth(Queue::ResumeGeneration),
            keys.unfair(Queue::ResumeGeneration),
            keys.in_flight("w1"),
            keys.delayed(Queue::ResumeGeneration),
            keys.heartbeat("w1"),
            keys.workers(),
            keys.rate("api:u1"),
            keys.intact(),
            keys.recovery_lock(),
            keys.cached_by(&v1::Candidate::default()),
            keys.erased(&v1::Candidate::default()),
        ] {
            assert!(key.starts_with("{resume}:"), "{key}");
        }
        assert_eq!(keys.unfair(Queue::PriorityHigh), "{resume}:priority_high");
        assert_eq!(keys.waiting(Queue::PriorityHigh, "u1"), "{resume}:priority_high:owner:u1");
        assert!(keys.waiting(Queue::PriorityHigh, "u1").starts_with(&keys.waiting_prefix(Queue::PriorityHigh)));
    }

    #[test]
    fn high_priority_goes_to_its_own_queue() {
        assert_eq!(Queue::of(Priority::High), Queue::PriorityHigh);
        assert_eq!(Queue::of(Priority::Default), Queue::ResumeGeneration);
        for queue in Queue::ALL {
            assert_eq!(Queue::of(queue.priority()), queue);
        }
    }
}
