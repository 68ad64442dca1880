//! The task lists, crash-safe by construction and fair across owners.
//!
//! A task is never held only in memory: [`Tasks::take`] moves it atomically from a queue
//! into this worker's own in-flight list, and it leaves that list only once the server has
//! recorded the outcome ([`Tasks::ack`]), it was parked for a retry
//! ([`Tasks::retry_later`]) or handed back to the head of its owner's list
//! ([`Tasks::hand_back`]). A worker that dies leaves its tasks in its in-flight list, from
//! which any other worker returns them ([`Tasks::return_all`], called by the registry's
//! dead-worker sweep).
//!
//! Within a queue, owners take turns: each take serves the owner at the front of the
//! queue's turns and moves them to the back, so that an owner with one task waits behind
//! one task of each other owner waiting, not behind all of them. Queueing is
//! `runtime::queue`'s, shared with the server.
//!
//! Idle workers do not poll: queueing a task publishes on a wake channel.
//! A periodic re-check covers a wake-up lost while the subscriber reconnects.

use std::{sync::Arc, time::Duration};

use fred::{clients::SubscriberClient, prelude::*, types::scripts::Script};
use resume_proto::{
    redis::{Keys, Queue, task},
    v1::ResumeTask,
};
use runtime::queue::{Enqueue, Origin};
use tokio::sync::{Notify, broadcast::error::RecvError};

/// Moves the next task into the in-flight list, from the highest-priority queue that is
/// not paused and holds one. Within a queue, a task that a server older than fair queues
/// pushed goes first (it was queued before any other); else the first task of the owner
/// whose turn it is, who then goes to the back of the turns if they have more waiting.
/// KEYS: 1 this worker's in-flight list, 2 the set of paused queue names, then for each
/// queue, highest priority first: 3 its owners, 4 its depth, 5 its unfair list.
/// ARGV: for each queue in the same order: 1 its name, 2 what its owners' lists' keys
/// begin with (the owner's list is read under that key and the owner's name, in the slot
/// of every other key).
/// Returns the task, or nil when no queue that may be taken from holds one.
const TAKE: &str = r"
for q = 0, #ARGV / 2 - 1 do
  local owners, depth, unfair = KEYS[3 + 3 * q], KEYS[4 + 3 * q], KEYS[5 + 3 * q]
  if redis.call('SISMEMBER', KEYS[2], ARGV[1 + 2 * q]) == 0 then
    local task = redis.call('LMOVE', unfair, KEYS[1], 'LEFT', 'RIGHT')
    if task then return task end
    -- An owner is in the turns only while their list holds a task; one found without is
    -- dropped from them all the same.
    local owner = redis.call('LPOP', owners)
    while owner do
      local waiting = ARGV[2 + 2 * q] .. owner
      task = redis.call('LMOVE', waiting, KEYS[1], 'LEFT', 'RIGHT')
      if task then
        if redis.call('LLEN', waiting) > 0 then redis.call('RPUSH', owners, owner) end
        redis.call('DECR', depth)
        return task
      end
      owner = redis.call('LPOP', owners)
    end
  end
end
return false
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

/// How many due retries one promotion moves from each delayed set at most (the rest wait
/// for the next one).
const PROMOTE_AT_ONCE: i64 = 100;

/// This worker's task lists.
pub struct Tasks {
    client: Client,
    keys: Keys,
    in_flight: String,
    take: Script,
    /// Puts tasks back in their queues: handed back, taken over, or due.
    enqueue: Enqueue,
    retry_later: Script,
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
            enqueue: Enqueue::new(keys.clone()),
            keys,
            client,
            take: Script::from_lua(TAKE),
            retry_later: Script::from_lua(RETRY_LATER),
            wake,
            _subscriber: subscriber,
        })
    }

    /// The next task, moved into this worker's in-flight list; `None` when none waits.
    pub async fn take(&self) -> Result<Option<Vec<u8>>, Error> {
        let mut keys = vec![self.in_flight.clone(), self.keys.paused()];
        let mut args = Vec::with_capacity(2 * Queue::ALL.len());
        for queue in Queue::ALL {
            keys.extend([self.keys.owners(queue), self.keys.depth(queue), self.keys.unfair(queue)]);
            args.extend([queue.name().to_owned(), self.keys.waiting_prefix(queue)]);
        }
        let task: Option<Vec<u8>> = self.take.evalsha_with_reload(&self.client, keys, args).await?;
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

    /// Returns an unfinished task (`raw`, read as `task`) to the head of its owner's list
    /// for another worker.
    pub async fn hand_back(&self, raw: &[u8], task: &ResumeTask) -> Result<(), Error> {
        let (queue, owner) = (task::queue(task), task.owner.as_str());
        self.enqueue.enqueue(&self.client, queue, owner, raw, Origin::InFlight(&self.in_flight)).await?;
        Ok(())
    }

    /// Returns every task in the in-flight list `in_flight` to the head of its owner's
    /// list, in the order they were taken; how many this call moved.
    pub(super) async fn return_all(&self, in_flight: &str) -> Result<usize, Error> {
        let tasks: Vec<Vec<u8>> = self.client.lrange(in_flight, 0, -1).await?;
        let mut moved = 0;
        // The last taken goes back first, so the first taken ends up at the head.
        for raw in tasks.iter().rev() {
            let (queue, owner) = task::place(raw);
            moved +=
                usize::from(self.enqueue.enqueue(&self.client, queue, &owner, raw, Origin::InFlight(in_flight)).await?);
        }
        Ok(moved)
    }

    /// Returns every task this worker holds to its queue: at shutdown, for the tasks it
    /// did not finish, and at start, for those an earlier run under the same id left.
    pub async fn return_own(&self) -> Result<usize, Error> {
        self.return_all(&self.in_flight).await
    }

    /// Parks an in-flight task for `delay`, after which it returns to the head of its owner's
    /// list in `queue`.
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

    /// Returns every task whose retry is due to the head of its owner's list; how many
    /// there were. Of two workers promoting the same task, one moves it.
    pub async fn promote_due(&self) -> Result<usize, Error> {
        let now = chrono::Utc::now().timestamp_millis();
        let mut moved = 0;
        for queue in Queue::ALL {
            let due: Vec<Vec<u8>> = self
                .client
                .zrangebyscore(self.keys.delayed(queue), "-inf", now, false, Some((0, PROMOTE_AT_ONCE)))
                .await?;
            for raw in &due {
                let (_, owner) = task::place(raw);
                moved += usize::from(self.enqueue.enqueue(&self.client, queue, &owner, raw, Origin::Delayed).await?);
            }
        }
        Ok(moved)
    }
}
