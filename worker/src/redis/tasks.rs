//! The task lists, crash-safe by construction.
//!
//! A task is never held only in memory: [`Tasks::take`] moves it atomically from a queue
//! list into this worker's own in-flight list, and it leaves that list only once the
//! server has recorded the outcome ([`Tasks::ack`]), it was parked for a retry
//! ([`Tasks::retry_later`]) or handed back to the head of its queue ([`Tasks::hand_back`]).
//! A worker that dies leaves its tasks in its in-flight list, from which any other worker
//! returns them ([`Tasks::return_all`], called by the registry's dead-worker sweep).
//!
//! Idle workers do not poll: the server publishes on a wake channel after each push.
//! A periodic re-check covers a wake-up lost while the subscriber reconnects.

use std::{sync::Arc, time::Duration};

use fred::{clients::SubscriberClient, prelude::*, types::scripts::Script};
use resume_proto::redis::{Keys, Queue, task};
use tokio::sync::{Notify, broadcast::error::RecvError};

/// Moves the next task into the in-flight list, high priority first, from a queue that is
/// not paused.
/// KEYS: 1 priority_high list, 2 resume_generation list, 3 this worker's in-flight list,
/// 4 the set of paused queue names. ARGV: 1 "priority_high", 2 "resume_generation".
/// Returns the task, or nil when no queue that may be taken from holds one.
const TAKE: &str = r"
for i = 1, 2 do
  if redis.call('SISMEMBER', KEYS[4], ARGV[i]) == 0 then
    local task = redis.call('LMOVE', KEYS[i], KEYS[3], 'LEFT', 'RIGHT')
    if task then return task end
  end
end
return false
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

/// Parks one in-flight task until its retry is due, as it is or as a new version of it.
/// KEYS: 1 this worker's in-flight list, 2 the task queue's delayed set.
/// ARGV: 1 the task, 2 the unix time in milliseconds when it is due, 3 what to park.
/// Returns 1 when the task was parked, 0 when it was not in flight.
const RETRY_LATER: &str = r"
if redis.call('LREM', KEYS[1], 1, ARGV[1]) == 1 then
  redis.call('ZADD', KEYS[2], ARGV[2], ARGV[3])
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

/// This worker's task lists.
pub struct Tasks {
    client: Client,
    keys: Keys,
    in_flight: String,
    take: Script,
    hand_back: Script,
    retry_later: Script,
    promote: Script,
    /// Signalled on every wake message; a stored permit covers a push just before waiting.
    wake: Arc<Notify>,
    /// Held so that wake messages keep coming.
    _subscriber: SubscriberClient,
}

impl Tasks {
    /// The task lists of worker `worker_id`, subscribed to the wake channel.
    pub async fn connect(
        client: Client,
        subscriber: SubscriberClient,
        keys: Keys,
        worker_id: &str,
    ) -> Result<Tasks, Error> {
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
        Ok(Tasks {
            in_flight: keys.in_flight(worker_id),
            keys,
            client,
            take: Script::from_lua(TAKE),
            hand_back: Script::from_lua(HAND_BACK),
            retry_later: Script::from_lua(RETRY_LATER),
            promote: Script::from_lua(PROMOTE),
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
            self.keys.paused(),
        ];
        let names = vec![Queue::PriorityHigh.name(), Queue::ResumeGeneration.name()];
        let task: Option<Vec<u8>> = self.take.evalsha_with_reload(&self.client, keys, names).await?;
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
    pub(super) async fn return_all(&self, in_flight: &str) -> Result<usize, Error> {
        let tasks: Vec<Vec<u8>> = self.client.lrange(in_flight, 0, -1).await?;
        let mut moved = 0;
        // The last taken goes back first, so the first taken ends up at the head.
        for task in tasks.iter().rev() {
            let queue = task::decode(task).map_or(Queue::ResumeGeneration, |t| task::queue(&t));
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

    /// Parks an in-flight task for `delay`, after which it returns to the head of `queue`.
    /// The worker's slot is free meanwhile.
    pub async fn retry_later(&self, task: &[u8], queue: Queue, delay: Duration) -> Result<(), Error> {
        self.park_as(task, task, queue, delay).await
    }

    /// Parks in-flight `task` for `delay` as `parked` (a new version of it).
    pub async fn park_as(&self, task: &[u8], parked: &[u8], queue: Queue, delay: Duration) -> Result<(), Error> {
        let due = chrono::Utc::now().timestamp_millis() + delay.as_millis() as i64;
        let keys = vec![self.in_flight.clone(), self.keys.delayed(queue)];
        let args: Vec<Value> = vec![task.into(), due.into(), parked.into()];
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
}
