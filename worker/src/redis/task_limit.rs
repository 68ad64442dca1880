//! The task rate limit: task starts that call the model, per minute, across all workers.

use std::time::Duration;

use fred::{error::Error, prelude::Client};
use resume_proto::redis::Keys;
use runtime::rate::RateLimit;

/// The shared limit on model-calling task starts.
pub struct TaskLimit {
    client: Client,
    key: String,
    limit: RateLimit,
}

impl TaskLimit {
    /// `limit` over the shared key under `keys`.
    pub fn new(client: Client, keys: &Keys, limit: RateLimit) -> TaskLimit {
        TaskLimit { client, key: keys.rate("tasks"), limit }
    }

    /// Counts one task start: `None` when it may start, else how long until one may.
    pub async fn admit(&self) -> Result<Option<Duration>, Error> {
        self.limit.check(&self.client, self.key.clone()).await
    }
}
