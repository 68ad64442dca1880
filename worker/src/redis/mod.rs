//! The worker's side of Redis, one module per job it does: the task lists ([`tasks`]),
//! its entry in the registry ([`registry`]), the result cache ([`result_cache`]), the
//! generation locks ([`locks`]) and the task rate limit ([`task_limit`]). What the keys,
//! records and messages are is `resume_proto::redis`'s, shared with the server.

pub mod locks;
pub mod registry;
pub mod result_cache;
pub mod task_limit;
pub mod tasks;

use fred::{error::Error, prelude::*, types::Builder};
use resume_proto::redis::Keys;
use runtime::rate::RateLimit;

/// Everything the worker keeps in Redis.
pub struct Redis {
    pub tasks: tasks::Tasks,
    pub registry: registry::Registry,
    pub cache: result_cache::ResultCache,
    pub locks: locks::GenerationLocks,
    pub task_limit: task_limit::TaskLimit,
}

impl Redis {
    /// Connects (a client and a subscriber) as worker `worker_id`, with `limit` on task
    /// starts.
    pub async fn connect(builder: &Builder, keys: Keys, worker_id: &str, limit: RateLimit) -> Result<Redis, Error> {
        let client = builder.build()?;
        client.init().await?;
        let subscriber = builder.build_subscriber_client()?;
        subscriber.init().await?;
        Ok(Redis {
            tasks: tasks::Tasks::connect(client.clone(), subscriber, keys.clone(), worker_id).await?,
            registry: registry::Registry::new(client.clone(), keys.clone(), worker_id),
            cache: result_cache::ResultCache::new(client.clone(), keys.clone()),
            locks: locks::GenerationLocks::new(client.clone(), keys.clone()),
            task_limit: task_limit::TaskLimit::new(client, &keys, limit),
        })
    }
}
