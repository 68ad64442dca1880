//! The consumer side of the Redis task queues, crash-safe by construction.
//!
//! A task is never held only in memory: [`TaskQueue::take`] moves it atomically from a
//! queue list into this worker's own in-flight list, and it leaves that list only once
//! the server has recorded the outcome ([`TaskQueue::ack`]) or the task was handed back
//! to the head of its queue ([`TaskQueue::hand_back`]). A worker that dies leaves its
//! tasks in its in-flight list; once its heartbeat has expired, any other worker returns
//! them to their queues ([`TaskQueue::recover_dead_workers`]).
//!
//! Idle workers do not poll: the server publishes on a wake channel after each push.
//! A periodic re-check covers a wake-up lost while the subscriber reconnects.

use std::{sync::Arc, time::Duration};

use fred::{
    clients::SubscriberClient,
    prelude::*,
    types::{Expiration, scripts::Script},
};
use prost::Message;
use resume_proto::{
    queue::{Keys, Queue},
    rate::RateLimit,
    v1::{CachedResume, ResumeTask},
};
use tokio::sync::{Notify, broadcast::error::RecvError};

use crate::stats::Stats;

/// How long a heartbeat lives unless renewed.
pub const HEARTBEAT_TTL: Duration = Duration::from_secs(10);
/// How long a generation lock lives: past it, a job whose worker died no longer blocks
/// identical requests.
const GENERATION_LOCK: Duration = Duration::from_secs(120);

/// Moves the next task into the in-flight list, high priority first.
/// KEYS: 1 priority_high list, 2 resume_generation list, 3 this worker's in-flight list.
/// ARGV: none. Returns the task, or nil when both queues are empty.
const TAKE: &str = r"
local task = redis.call('LMOVE', KEYS[1], KEYS[3], 'LEFT', 'RIGHT')
if task then return task end
return redis.call('LMOVE', KEYS[2], KEYS[3], 'LEFT', 'RIGHT')
";

/// Returns one in-flight task to the head of its queue.
/// KEYS: 1 this worker's in-flight list, 2 the task's queue list. ARGV: 1 the task.
/// Returns 1 when the task was handed back, 0 when it was not in flight.
const HAND_BACK: &str = r"
if redis.call('LREM', KEYS[1], 1, ARGV[1]) == 1 then
  redis.call('LPUSH', KEYS[2], ARGV[1])
  return 1
end
return 0
";

/// Removes a worker from the registry if it is still dead and holds no task.
/// KEYS: 1 the worker registry set, 2 the worker's heartbeat, 3 its in-flight list.
/// ARGV: 1 the worker id. Returns 1 when the worker was removed.
const FORGET: &str = r"
if redis.call('EXISTS', KEYS[2]) == 0 and redis.call('LLEN', KEYS[3]) == 0 then
  return redis.call('SREM', KEYS[1], ARGV[1])
end
return 0
";

/// Parks one in-flight task until its retry is due.
/// KEYS: 1 this worker's in-flight list, 2 the task queue's delayed set.
/// ARGV: 1 the task, 2 the unix time in milliseconds when it is due.
/// Returns 1 when the task was parked, 0 when it was not in flight.
const RETRY_LATER: &str = r"
if redis.call('LREM', KEYS[1], 1, ARGV[1]) == 1 then
  redis.call('ZADD', KEYS[2], ARGV[2], ARGV[1])
  return 1
end
return 0
";

/// Moves due tasks from the delayed sets to the head of their queues and wakes workers.
/// KEYS: 1 delayed priority_high, 2 priority_high list, 3 delayed resume_generation,
/// 4 resume_generation list. ARGV: 1 now in unix milliseconds, 2 the wake channel.
/// Returns how many tasks were moved.
const PROMOTE: &str = r"
local moved = 0
for i = 1, 3, 2 do
  local due = redis.call('ZRANGEBYSCORE', KEYS[i], '-inf', ARGV[1], 'LIMIT', 0, 100)
  for _, task in ipairs(due) do
    redis.call('ZREM', KEYS[i], task)
    redis.call('LPUSH', KEYS[i + 1], task)
    moved = moved + 1
  end
end
if moved > 0 then redis.call('PUBLISH', ARGV[2], '') end
return moved
";

/// Takes the generation lock of a cache key for a job, or renews it if the job holds it.
/// KEYS: 1 the lock. ARGV: 1 the job id, 2 the lock's lifetime in milliseconds.
/// Returns 1 when the job holds the lock, 0 when another job does.
const LOCK: &str = r"
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return 1 end
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return 1
end
return 0
";

/// Releases the generation lock of a cache key if the job holds it.
/// KEYS: 1 the lock. ARGV: 1 the job id. Returns 1 when released.
const UNLOCK: &str = r"
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
";

/// This worker's view of the queues.
pub struct TaskQueue {
    client: Client,
    keys: Keys,
    worker_id: String,
    in_flight: String,
    take: Script,
    hand_back: Script,
    forget: Script,
    retry_later: Script,
    promote: Script,
    lock: Script,
    unlock: Script,
    /// Signalled on every wake message; a stored permit covers a push just before waiting.
    wake: Arc<Notify>,
    /// Held so that wake messages keep coming.
    _subscriber: SubscriberClient,
}

impl TaskQueue {
    /// Connects to Redis and subscribes to the wake channel.
    pub async fn connect(builder: &Builder, keys: Keys, worker_id: &str) -> Result<TaskQueue, Error> {
        let client = builder.build()?;
        client.init().await?;
        let subscriber = builder.build_subscriber_client()?;
        subscriber.init().await?;
        let wake = Arc::new(Notify::new());
        let mut messages = subscriber.message_rx();
        subscriber.manage_subscriptions();
        subscriber.subscribe(keys.wake_channel()).await?;
        let notify = wake.clone();
        tokio::spawn(async move {
            // Fallen behind, some wake-ups were missed: wake up all the same.
            while let Ok(_) | Err(RecvError::Lagged(_)) = messages.recv().await {
                notify.notify_one();
            }
        });
        Ok(TaskQueue {
            in_flight: keys.in_flight(worker_id),
            worker_id: worker_id.to_owned(),
            keys,
            client,
            take: Script::from_lua(TAKE),
            hand_back: Script::from_lua(HAND_BACK),
            forget: Script::from_lua(FORGET),
            retry_later: Script::from_lua(RETRY_LATER),
            promote: Script::from_lua(PROMOTE),
            lock: Script::from_lua(LOCK),
            unlock: Script::from_lua(UNLOCK),
            wake,
            _subscriber: subscriber,
        })
    }

    /// The next task, moved into this worker's in-flight list; `None` when none waits.
    pub async fn take(&self) -> Result<Option<Vec<u8>>, Error> {
        let keys = vec![
            self.keys.queue(Queue::PriorityHigh),
            self.keys.queue(Queue::ResumeGeneration),
            self.in_flight.clone(),
        ];
        let task: Option<Vec<u8>> = self.take.evalsha_with_reload(&self.client, keys, Vec::<String>::new()).await?;
        Ok(task)
    }

    /// Waits until a task may have arrived, or `at_most`.
    pub async fn wait_for_work(&self, at_most: Duration) {
        let _ = tokio::time::timeout(at_most, self.wake.notified()).await;
    }

    /// Forgets a task whose outcome the server has recorded.
    pub async fn ack(&self, task: &[u8]) -> Result<(), Error> {
        let _: i64 = self.client.lrem(&self.in_flight, 1, task).await?;
        Ok(())
    }

    /// Returns an unfinished task to the head of `queue` for another worker.
    pub async fn hand_back(&self, task: &[u8], queue: Queue) -> Result<(), Error> {
        self.move_back(&self.in_flight, task, queue).await?;
        self.wake_workers().await
    }

    /// Moves `task` from the in-flight list `in_flight` to the head of `queue`; whether
    /// it was still there (of two workers recovering it, one moves it).
    async fn move_back(&self, in_flight: &str, task: &[u8], queue: Queue) -> Result<bool, Error> {
        let keys = vec![in_flight.to_owned(), self.keys.queue(queue)];
        let moved: i64 = self.hand_back.evalsha_with_reload(&self.client, keys, vec![task]).await?;
        Ok(moved == 1)
    }

    async fn wake_workers(&self) -> Result<(), Error> {
        let _: i64 = self.client.publish(self.keys.wake_channel(), "").await?;
        Ok(())
    }

    /// Returns every task in the in-flight list `in_flight` to the head of its queue, in
    /// the order they were taken; how many this call moved.
    async fn return_all(&self, in_flight: &str) -> Result<usize, Error> {
        let tasks: Vec<Vec<u8>> = self.client.lrange(in_flight, 0, -1).await?;
        let mut moved = 0;
        // The last taken goes back first, so the first taken ends up at the head.
        for task in tasks.iter().rev() {
            let queue = ResumeTask::decode(task.as_slice())
                .map_or(Queue::ResumeGeneration, |t| Queue::for_priority(&t.priority));
            moved += usize::from(self.move_back(in_flight, task, queue).await?);
        }
        if moved > 0 {
            self.wake_workers().await?;
        }
        Ok(moved)
    }

    /// Returns every task this worker holds to its queue: at shutdown, for the tasks it
    /// did not finish, and at start, for those an earlier run under the same id left.
    pub async fn return_own(&self) -> Result<usize, Error> {
        self.return_all(&self.in_flight).await
    }

    /// Returns the tasks of every registered worker whose heartbeat has expired (it died
    /// or lost Redis for longer than [`HEARTBEAT_TTL`]) to their queues, and removes
    /// such workers from the registry; how many tasks were recovered. Any number of
    /// workers may run this at once: each task moves once.
    pub async fn recover_dead_workers(&self) -> Result<usize, Error> {
        let ids: Vec<String> = self.client.smembers(self.keys.workers()).await?;
        let ids: Vec<String> = ids.into_iter().filter(|id| *id != self.worker_id).collect();
        if ids.is_empty() {
            return Ok(0);
        }
        let pipeline = self.client.pipeline();
        for id in &ids {
            let _: () = pipeline.exists(self.keys.heartbeat(id)).await?;
        }
        let alive: Vec<i64> = pipeline.all().await?;
        let mut recovered = 0;
        for (id, _) in ids.iter().zip(alive).filter(|(_, alive)| *alive == 0) {
            let in_flight = self.keys.in_flight(id);
            let moved = self.return_all(&in_flight).await?;
            if moved > 0 {
                tracing::warn!(worker_id = %id, tasks = moved, "recovered the tasks of a dead worker");
            }
            recovered += moved;
            let keys = vec![self.keys.workers(), self.keys.heartbeat(id), in_flight];
            let _: i64 = self.forget.evalsha_with_reload(&self.client, keys, vec![id.as_str()]).await?;
        }
        Ok(recovered)
    }

    /// Parks an in-flight task for `delay`, after which it returns to the head of `queue`.
    /// The worker's slot is free meanwhile.
    pub async fn retry_later(&self, task: &[u8], queue: Queue, delay: Duration) -> Result<(), Error> {
        let due = chrono::Utc::now().timestamp_millis() + delay.as_millis() as i64;
        let keys = vec![self.in_flight.clone(), self.keys.delayed(queue)];
        let args: Vec<Value> = vec![task.into(), due.into()];
        let _: i64 = self.retry_later.evalsha_with_reload(&self.client, keys, args).await?;
        Ok(())
    }

    /// Returns every task whose retry is due to its queue; how many there were.
    pub async fn promote_due(&self) -> Result<i64, Error> {
        let keys = vec![
            self.keys.delayed(Queue::PriorityHigh),
            self.keys.queue(Queue::PriorityHigh),
            self.keys.delayed(Queue::ResumeGeneration),
            self.keys.queue(Queue::ResumeGeneration),
        ];
        let now = chrono::Utc::now().timestamp_millis();
        let args: Vec<Value> = vec![now.into(), self.keys.wake_channel().into()];
        self.promote.evalsha_with_reload(&self.client, keys, args).await
    }

    /// Counts one task start against the shared `limit`: `None` when it may start, else
    /// how long until one may.
    pub async fn admit(&self, limit: &RateLimit) -> Result<Option<Duration>, Error> {
        limit.check(&self.client, self.keys.rate("tasks")).await
    }

    /// The cached resume for `cache_key`; an unreadable entry is a miss.
    pub async fn cached(&self, cache_key: &str) -> Result<Option<CachedResume>, Error> {
        let bytes: Option<Vec<u8>> = self.client.get(self.keys.cached(cache_key)).await?;
        Ok(bytes.and_then(|bytes| CachedResume::decode(bytes.as_slice()).ok()))
    }

    /// Keeps `resume` as the result for `cache_key` for `ttl`.
    pub async fn cache(&self, cache_key: &str, resume: &CachedResume, ttl: Duration) -> Result<(), Error> {
        let expire = Some(Expiration::PX(ttl.as_millis() as i64));
        let _: () = self.client.set(self.keys.cached(cache_key), resume.encode_to_vec(), expire, None, false).await?;
        Ok(())
    }

    /// Whether job `job_id` may generate `cache_key` now (no other job is at it).
    pub async fn lock_generation(&self, cache_key: &str, job_id: &str) -> Result<bool, Error> {
        let args: Vec<Value> = vec![job_id.into(), (GENERATION_LOCK.as_millis() as i64).into()];
        let held: i64 =
            self.lock.evalsha_with_reload(&self.client, vec![self.keys.generating(cache_key)], args).await?;
        Ok(held == 1)
    }

    /// Lets the next job generate `cache_key` (after success, it will find the cache).
    pub async fn unlock_generation(&self, cache_key: &str, job_id: &str) -> Result<(), Error> {
        let _: i64 =
            self.unlock.evalsha_with_reload(&self.client, vec![self.keys.generating(cache_key)], vec![job_id]).await?;
        Ok(())
    }

    /// Announces this worker as alive, with its counters, for [`HEARTBEAT_TTL`].
    pub async fn heartbeat(&self, host: &str, stats: &Stats) -> Result<(), Error> {
        let key = self.keys.heartbeat(&self.worker_id);
        let snapshot = stats.snapshot();
        let fields: Vec<(&str, String)> = vec![
            ("host", host.to_owned()),
            ("concurrency", snapshot.concurrency.to_string()),
            ("active", snapshot.active.to_string()),
            ("processed", snapshot.processed.to_string()),
            ("failed", snapshot.failed.to_string()),
            ("last_heartbeat_ms", chrono::Utc::now().timestamp_millis().to_string()),
        ];
        let pipeline = self.client.pipeline();
        let _: () = pipeline.hset(&key, fields).await?;
        let _: () = pipeline.pexpire(&key, HEARTBEAT_TTL.as_millis() as i64, None).await?;
        let _: () = pipeline.sadd(self.keys.workers(), &self.worker_id).await?;
        let _: Vec<Value> = pipeline.all().await?;
        Ok(())
    }

    /// Removes this worker from the registry (its in-flight list must be empty).
    pub async fn deregister(&self) -> Result<(), Error> {
        let _: i64 = self.client.del(self.keys.heartbeat(&self.worker_id)).await?;
        let _: i64 = self.client.srem(self.keys.workers(), &self.worker_id).await?;
        Ok(())
    }
}
