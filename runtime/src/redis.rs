//! The Redis connection every process makes: `redis://` or `rediss://` (TLS, with the
//! system's roots) with optional ACL user and password in the URL, a single node or, with
//! `REDIS_CLUSTER=1`, a cluster reached through the node the URL names.
//!
//! Every key of one deployment shares one hash tag (see `resume_proto::redis::Keys`), so
//! the Lua scripts' keys always live in one cluster slot.
//!
//! A lost connection is re-made for ever (backing off to [`RECONNECT_MAX_DELAY_MS`]), and a
//! connection that stops answering is closed and made again. Commands on a request path
//! are bounded with [`within`] ([`COMMAND_TIMEOUT`], a queued wait behind a reconnect
//! included); fred's own default command timeout is not used: set on every command, it
//! cost a fifth of the submit throughput (`make bench`, gRPC submit 13,538/s without it,
//! 10,549 and 10,710/s with it, interleaved runs).

use std::{future::Future, time::Duration};

use fred::{
    error::Error,
    types::Builder,
    types::config::{Config, ReconnectPolicy},
};

/// How many pub/sub messages a subscriber may fall behind by before it misses some
/// (fred's default of 32 is soon outrun when thousands of jobs change per second).
const PUBSUB_BACKLOG: usize = 1024;
/// The longest a command on a request path waits for its answer, queued behind a
/// reconnect included (see [`within`]).
pub const COMMAND_TIMEOUT: Duration = Duration::from_secs(1);
/// How long connecting (TCP, TLS, AUTH, HELLO) may take.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(1);
/// An answer this late marks the connection dead: it is closed and made again.
const UNRESPONSIVE_AFTER: Duration = Duration::from_secs(3);
/// Reconnect delays: 100 ms, doubling, at most this.
const RECONNECT_MAX_DELAY_MS: u32 = 1000;

/// A client builder for `url`; `cluster` when it names a Redis Cluster node.
pub fn builder(url: &str, cluster: bool) -> Result<Builder, Error> {
    let config = if cluster { Config::from_url_clustered(url)? } else { Config::from_url(url)? };
    let mut builder = Builder::from_config(config);
    builder
        .with_performance_config(|perf| {
            perf.broadcast_channel_capacity = PUBSUB_BACKLOG;
        })
        .with_connection_config(|connection| {
            connection.connection_timeout = CONNECT_TIMEOUT;
            connection.internal_command_timeout = COMMAND_TIMEOUT;
            connection.unresponsive.max_timeout = Some(UNRESPONSIVE_AFTER);
            connection.unresponsive.interval = Duration::from_millis(500);
        })
        // 0 attempts: unlimited.
        .set_policy(ReconnectPolicy::new_exponential(0, 100, RECONNECT_MAX_DELAY_MS, 2));
    Ok(builder)
}

/// `command`, failing with a timeout error if Redis has not answered within
/// [`COMMAND_TIMEOUT`].
pub async fn within<T>(command: impl Future<Output = Result<T, Error>>) -> Result<T, Error> {
    tokio::time::timeout(COMMAND_TIMEOUT, command)
        .await
        .unwrap_or_else(|_| Err(Error::new(fred::error::ErrorKind::Timeout, "Redis did not answer in time")))
}
