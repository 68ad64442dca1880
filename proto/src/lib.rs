//! The `resume.v1` API shared by every process.
//!
//! # Layout
//! - [`v1`]: the generated protobuf messages, gRPC clients and servers.
//! - [`FILE_DESCRIPTOR_SET`]: the encoded descriptors, served by gRPC reflection.
//! - [`queue`]: the Redis keys producer (server) and consumer (worker) agree on.
//! - [`cache`]: the result cache key of a request's content.
//! - [`rate`]: per-minute rate limits kept in Redis, shared by every replica.
//! - [`redis`]: the Redis client every process builds (TLS, ACL, cluster).
//! - [`client`]: the balanced channel through which edge and workers reach the servers.
//! - [`process`]: logging set-up and the shutdown signal every binary uses.
//! - [`time`]: conversions between protobuf timestamps and `chrono`.

pub mod cache;
pub mod client;
pub mod process;
pub mod queue;
pub mod rate;
pub mod redis;
pub mod time;

/// Generated code for package `resume.v1`.
#[allow(clippy::all, clippy::pedantic, missing_docs)]
pub mod v1 {
    tonic::include_proto!("resume.v1");
}

/// Encoded `FileDescriptorSet` of every `resume.v1` file, for `tonic-reflection`.
pub const FILE_DESCRIPTOR_SET: &[u8] = tonic::include_file_descriptor_set!("resume_descriptor");
