//! What every process of the service runs on, apart from the API itself.
//!
//! # Layout
//! - [`process`]: logging set-up, the shutdown signal and the boxed `run` types.
//! - [`listen`]: binding the listeners, with errors naming the variable that set each.
//! - [`bearer`]: the bearer token of a request's `authorization`, as server and edge read it.
//! - [`client`]: the balanced channel through which edge and workers reach the servers.
//! - [`metrics`]: the `/metrics` registry's text, and the request family edge and server
//!   share.
//! - [`trace`]: the W3C trace context each hop continues, and the span carrying its id.
//! - [`oidc`] (feature `oidc`): the OpenID Connect issuer's settings, which server and edge
//!   both read.
//! - `telemetry` (feature `otel`): OTLP export of the spans, one trace across the processes.
//! - [`redis`] (feature `redis`): the Redis client every process builds (TLS, ACL,
//!   cluster, bounded waits).
//! - [`queue`] (feature `redis`): putting a task in a fair queue, as server and worker
//!   both do.
//! - [`rate`] (feature `redis`): per-minute rate limits kept in Redis, shared by every
//!   replica.
//! - [`shared`] (feature `redis`): the configuration server and worker share, checked once.
//!
//! The edge builds this crate without `redis`, so it compiles no Redis client.

pub mod bearer;
pub mod client;
pub mod listen;
pub mod metrics;
#[cfg(feature = "oidc")]
pub mod oidc;
pub mod process;
#[cfg(feature = "redis")]
pub mod queue;
#[cfg(feature = "redis")]
pub mod rate;
#[cfg(feature = "redis")]
pub mod redis;
#[cfg(feature = "redis")]
pub mod shared;
#[cfg(feature = "otel")]
pub mod telemetry;
pub mod trace;
