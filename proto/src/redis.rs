//! The Redis connection every process makes: `redis://` or `rediss://` (TLS, with the
//! system's roots) with optional ACL user and password in the URL, a single node or, with
//! `REDIS_CLUSTER=1`, a cluster reached through the node the URL names.
//!
//! Every key of one deployment shares one hash tag (see [`crate::queue::Keys`]), so the
//! Lua scripts' keys always live in one cluster slot.

use fred::{error::Error, types::Builder, types::config::Config};

/// How many pub/sub messages a subscriber may fall behind by before it misses some
/// (fred's default of 32 is soon outrun when thousands of jobs change per second).
const PUBSUB_BACKLOG: usize = 1024;

/// A client builder for `url`; `cluster` when it names a Redis Cluster node.
pub fn builder(url: &str, cluster: bool) -> Result<Builder, Error> {
    let config = if cluster { Config::from_url_clustered(url)? } else { Config::from_url(url)? };
    let mut builder = Builder::from_config(config);
    builder.with_performance_config(|perf| perf.broadcast_channel_capacity = PUBSUB_BACKLOG);
    Ok(builder)
}
