//! The server's side of Redis's queues: pushing tasks (each to its owner's list, see
//! `runtime::queue`), reading queue depths and the workers' heartbeats, and noticing (and
//! rebuilding after) a Redis that lost its data.

use std::{collections::HashSet, time::Duration};

use fred::{
    prelude::*,
    types::{Expiration, SetOptions},
};
use resume_proto::{
    redis::{Keys, Queue, registry, task},
    v1::{ResumeTask, WorkerHeartbeat},
};

use runtime::{
    queue::{Enqueue, Origin},
    redis::within,
};

use crate::{
    db::resume_job,
    error::{Error, Result},
};

/// How many owners of a queue's turns the console's per-owner counts read at most.
const OWNERS_READ: i64 = 200;

/// How long a server may take to rebuild lost queues before another may try.
const RECOVERY_LOCK: Duration = Duration::from_secs(30);

/// Where the server hands tasks to workers and reads what workers say of themselves.
pub struct Dispatch {
    client: Client,
    keys: Keys,
    enqueue: Enqueue,
}

impl Dispatch {
    /// Dispatch over an initialised client.
    pub fn new(client: Client, keys: Keys) -> Dispatch {
        Dispatch { client, enqueue: Enqueue::new(keys.clone()), keys }
    }

    /// Fails at once while the connection to Redis is down (being made again), so that a
    /// submission answers UNAVAILABLE now instead of after two command timeouts.
    pub fn ensure_connected(&self) -> Result<()> {
        if self.client.is_connected() {
            Ok(())
        } else {
            Err(Error::Unavailable("the queue is unavailable; try again".into()))
        }
    }

    /// Queues the task of `job` last of its owner's, waking idle workers. The job row
    /// must already be committed: a worker may claim it the moment this returns.
    pub async fn push(&self, job: &resume_job::Model, work: task::Work) -> Result<()> {
        let queue = job.queue();
        // The request's trace goes with the task, for the worker to continue.
        let traceparent = runtime::trace::current().map(|context| context.to_string()).unwrap_or_default();
        let whose = (job.candidate_id.unwrap_or_default(), job.job_row_id);
        let task = ResumeTask { traceparent, ..task::new(&job.id, &job.owner, whose, queue.priority(), work) };
        within(self.enqueue.enqueue(&self.client, queue, &job.owner, &task::encode(&task), Origin::New)).await?;
        Ok(())
    }

    /// Whether Redis still holds its data (the marker [`Dispatch::mark_intact`] set).
    pub async fn is_intact(&self) -> Result<bool> {
        Ok(self.client.exists::<i64, _>(self.keys.intact()).await? == 1)
    }

    /// Takes the right to rebuild lost queues, for at most [`RECOVERY_LOCK`].
    pub async fn lock_recovery(&self) -> Result<bool> {
        let expire = Some(Expiration::PX(RECOVERY_LOCK.as_millis() as i64));
        let taken: Option<String> =
            self.client.set(self.keys.recovery_lock(), "1", expire, Some(SetOptions::NX), false).await?;
        Ok(taken.is_some())
    }

    /// Takes the right to sweep old data, for at most `hold` (a server that dies sweeping
    /// does not keep it).
    pub async fn lock_retention(&self, hold: Duration) -> Result<bool> {
        let expire = Some(Expiration::PX(hold.as_millis() as i64));
        let taken: Option<String> =
            self.client.set(self.keys.retention_lock(), "1", expire, Some(SetOptions::NX), false).await?;
        Ok(taken.is_some())
    }

    /// Gives the right to sweep back.
    pub async fn unlock_retention(&self) -> Result<()> {
        let _: i64 = self.client.del(self.keys.retention_lock()).await?;
        Ok(())
    }

    /// Records that the queues are whole, and releases the recovery lock.
    pub async fn mark_intact(&self) -> Result<()> {
        let _: () = self.client.set(self.keys.intact(), "1", None, None, false).await?;
        let _: i64 = self.client.del(self.keys.recovery_lock()).await?;
        Ok(())
    }

    /// The job id of every task Redis holds: waiting, parked for a retry, or in flight.
    pub async fn job_ids(&self) -> Result<HashSet<String>> {
        let mut lists = Vec::new();
        let mut tasks: Vec<Vec<u8>> = Vec::new();
        for queue in Queue::ALL {
            let owners: Vec<String> = self.client.lrange(self.keys.owners(queue), 0, -1).await?;
            lists.extend(owners.iter().map(|owner| self.keys.waiting(queue, owner)));
            lists.push(self.keys.unfair(queue));
            let delayed: Vec<Vec<u8>> =
                self.client.zrange(self.keys.delayed(queue), 0, -1, None, false, None, false).await?;
            tasks.extend(delayed);
        }
        let workers: Vec<String> = self.client.smembers(self.keys.workers()).await?;
        lists.extend(workers.iter().map(|worker| self.keys.in_flight(worker)));
        for list in lists {
            tasks.extend(self.client.lrange::<Vec<Vec<u8>>, _>(list, 0, -1).await?);
        }
        Ok(tasks.iter().filter_map(|raw| task::decode(raw)).map(|task| task.job_id).collect())
    }

    /// How many tasks wait in each queue, highest priority first: each queue's counter, and
    /// what a server older than fair queues left in its one list, in one round trip.
    pub async fn depths(&self) -> Result<Vec<(Queue, i64)>> {
        let pipeline = self.client.pipeline();
        for queue in Queue::ALL {
            let _: () = pipeline.get(self.keys.depth(queue)).await?;
            let _: () = pipeline.llen(self.keys.unfair(queue)).await?;
        }
        let counts: Vec<Option<i64>> = within(pipeline.all()).await?;
        let depths = Queue::ALL.into_iter().zip(counts.chunks(2));
        Ok(depths.map(|(queue, counts)| (queue, counts.iter().flatten().sum())).collect())
    }

    /// The owners with tasks waiting in `queue` and how many each, most first, at most
    /// `most` of them (of the first [`OWNERS_READ`] owners in the turns): two round trips.
    pub async fn waiting_by_owner(&self, queue: Queue, most: usize) -> Result<Vec<(String, i64)>> {
        let owners: Vec<String> = within(self.client.lrange(self.keys.owners(queue), 0, OWNERS_READ - 1)).await?;
        if owners.is_empty() {
            return Ok(Vec::new());
        }
        let pipeline = self.client.pipeline();
        for owner in &owners {
            let _: () = pipeline.llen(self.keys.waiting(queue, owner)).await?;
        }
        let counts: Vec<i64> = within(pipeline.all()).await?;
        let mut waiting: Vec<(String, i64)> = owners.into_iter().zip(counts).filter(|(_, n)| *n > 0).collect();
        waiting.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        waiting.truncate(most);
        Ok(waiting)
    }

    /// Every worker whose heartbeat has not expired, as it last described itself, in one
    /// round trip (an expired heartbeat reads as nil).
    pub async fn live_workers(&self) -> Result<Vec<(String, WorkerHeartbeat)>> {
        let ids: Vec<String> = within(self.client.smembers(self.keys.workers())).await?;
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        // Every key shares the deployment's hash tag, so one MGET reads them all, on a
        // cluster too.
        let keys: Vec<String> = ids.iter().map(|id| self.keys.heartbeat(id)).collect();
        let beats: Vec<Option<Vec<u8>>> = within(self.client.mget(keys)).await?;
        Ok(ids.into_iter().zip(beats).filter_map(|(id, raw)| Some((id, registry::decode(raw.as_deref())?))).collect())
    }

    /// Copies paused queues' names into Redis, where workers read them. Names are only
    /// added here: a resume removes its name itself ([`Dispatch::resume`]).
    pub async fn pause(&self, names: &[String]) -> Result<()> {
        if !names.is_empty() {
            let _: i64 = within(self.client.sadd(self.keys.paused(), names.to_vec())).await?;
        }
        Ok(())
    }

    /// Lets workers take from queue `name` again, and wakes them.
    pub async fn resume(&self, name: &str) -> Result<()> {
        let pipeline = self.client.pipeline();
        let _: () = pipeline.srem(self.keys.paused(), name).await?;
        let _: () = pipeline.publish(self.keys.wake_channel(), "").await?;
        let _: Vec<Value> = within(pipeline.all()).await?;
        Ok(())
    }
}
