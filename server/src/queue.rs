//! The producer side of the Redis task queues: pushing tasks and reading queue depths.

use std::collections::HashMap;

use fred::prelude::*;
use prost::Message;
use resume_proto::{
    queue::{Keys, Queue},
    time::to_timestamp,
    v1::ResumeTask,
};

use crate::error::Result;

/// Pushes tasks onto the Redis lists workers take them from.
pub struct TaskQueue {
    client: Client,
    keys: Keys,
}

impl TaskQueue {
    /// A queue over an initialised client.
    pub fn new(client: Client, keys: Keys) -> TaskQueue {
        TaskQueue { client, keys }
    }

    /// Queues the task of job `job_id` and wakes an idle worker. The job row must already
    /// be committed: a worker may claim it the moment this returns.
    pub async fn push(&self, job_id: &str, priority: &str, cache_key: String) -> Result<()> {
        let queue = Queue::for_priority(priority);
        let task = ResumeTask {
            job_id: job_id.to_owned(),
            enqueued_at: Some(to_timestamp(chrono::Utc::now())),
            priority: priority.to_owned(),
            cache_key,
        };
        let pipeline = self.client.pipeline();
        let _: () = pipeline.rpush(self.keys.queue(queue), task.encode_to_vec()).await?;
        let _: () = pipeline.publish(self.keys.wake_channel(), "").await?;
        let _: Vec<Value> = pipeline.all().await?;
        Ok(())
    }

    /// How many tasks wait in each queue, highest priority first.
    pub async fn depths(&self) -> Result<Vec<(Queue, i64)>> {
        let mut depths = Vec::with_capacity(Queue::ALL.len());
        for queue in Queue::ALL {
            depths.push((queue, self.client.llen(self.keys.queue(queue)).await?));
        }
        Ok(depths)
    }

    /// Every worker whose heartbeat has not expired, with the fields it last wrote, in one
    /// round trip (an expired heartbeat reads as an empty hash).
    pub async fn live_workers(&self) -> Result<Vec<(String, HashMap<String, String>)>> {
        let ids: Vec<String> = self.client.smembers(self.keys.workers()).await?;
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let pipeline = self.client.pipeline();
        for id in &ids {
            let _: () = pipeline.hgetall(self.keys.heartbeat(id)).await?;
        }
        let heartbeats: Vec<HashMap<String, String>> = pipeline.all().await?;
        Ok(ids.into_iter().zip(heartbeats).filter(|(_, fields)| !fields.is_empty()).collect())
    }
}
