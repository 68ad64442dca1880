//! This worker in the registry: its heartbeat (an encoded `WorkerHeartbeat` that
//! expires unless renewed, read by the servers, with a copy kept for an hour), and the
//! sweep that returns the tasks of workers whose heartbeat has expired, after telling the
//! server which worker was lost and what it held.

use fred::{
    prelude::*,
    types::{Expiration, SetOptions, scripts::Script},
};
use resume_proto::{
    redis::{
        Keys,
        registry::{self, HEARTBEAT_TTL, LOST_SHOWN},
        task,
    },
    time::to_timestamp,
    v1::WorkerHeartbeat,
};

use super::tasks::Tasks;
use crate::{report::Reporter, stats::Stats};

/// Removes a worker from the registry if it is still dead and holds no task.
/// KEYS: 1 the worker registry set, 2 the worker's heartbeat, 3 its in-flight list.
/// ARGV: 1 the worker id. Returns 1 when the worker was removed.
const FORGET: &str = r"
if redis.call('EXISTS', KEYS[2]) == 0 and redis.call('LLEN', KEYS[3]) == 0 then
  return redis.call('SREM', KEYS[1], ARGV[1])
end
return 0
";

/// This worker's entry in the registry.
pub struct Registry {
    client: Client,
    keys: Keys,
    worker_id: String,
    forget: Script,
}

impl Registry {
    /// The registry entry of `worker_id`.
    pub fn new(client: Client, keys: Keys, worker_id: &str) -> Registry {
        Registry { client, keys, worker_id: worker_id.to_owned(), forget: Script::from_lua(FORGET) }
    }

    /// Announces this worker as alive, with its counters, for [`HEARTBEAT_TTL`].
    pub async fn heartbeat(&self, host: &str, stats: &Stats) -> Result<(), Error> {
        let snapshot = stats.snapshot();
        let beat = WorkerHeartbeat {
            host: host.to_owned(),
            concurrency: snapshot.concurrency as i32,
            active: snapshot.active as i32,
            processed: snapshot.processed as i64,
            failed: snapshot.failed as i64,
            last_heartbeat: Some(to_timestamp(chrono::Utc::now())),
        };
        let expire = Some(Expiration::PX(HEARTBEAT_TTL.as_millis() as i64));
        let kept = Some(Expiration::PX(LOST_SHOWN.as_millis() as i64));
        let encoded = registry::encode(&beat);
        let pipeline = self.client.pipeline();
        let _: () = pipeline.set(self.keys.heartbeat(&self.worker_id), encoded.clone(), expire, None, false).await?;
        let _: () = pipeline.set(self.keys.last_heartbeat(&self.worker_id), encoded, kept, None, false).await?;
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

    /// Returns the tasks of every registered worker whose heartbeat has expired (it died
    /// or lost Redis for longer than [`HEARTBEAT_TTL`]) to their queues, and removes
    /// such workers from the registry; how many tasks were recovered. Any number of
    /// workers may run this at once: one takes each dead worker (a lock), tells the server
    /// what it held (best effort: the tasks go back all the same), then returns them.
    pub async fn recover_dead_workers(&self, tasks: &Tasks, reporter: &Reporter) -> Result<usize, Error> {
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
            let lock = Some(Expiration::PX(HEARTBEAT_TTL.as_millis() as i64));
            let taken: Option<String> =
                self.client.set(self.keys.sweeping(id), &self.worker_id, lock, Some(SetOptions::NX), false).await?;
            if taken.is_none() {
                continue;
            }
            let in_flight = self.keys.in_flight(id);
            let held: Vec<Vec<u8>> = self.client.lrange(&in_flight, 0, -1).await?;
            let job_ids: Vec<String> = held.iter().filter_map(|raw| task::decode(raw)).map(|t| t.job_id).collect();
            let last: Option<Vec<u8>> = self.client.get(self.keys.last_heartbeat(id)).await?;
            if let Err(error) = reporter.lost_worker(id, registry::decode(last.as_deref()), job_ids).await {
                tracing::warn!(worker_id = %id, %error, "could not report a lost worker; returning its tasks all the same");
            }
            let moved = tasks.return_all(&in_flight).await?;
            if moved > 0 {
                tracing::warn!(worker_id = %id, tasks = moved, "recovered the tasks of a dead worker");
            }
            recovered += moved;
            let keys = vec![self.keys.workers(), self.keys.heartbeat(id), in_flight];
            let _: i64 = self.forget.evalsha_with_reload(&self.client, keys, vec![id.as_str()]).await?;
        }
        Ok(recovered)
    }
}
