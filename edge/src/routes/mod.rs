//! The REST routes, each a 1:1 transcoding of one gRPC call, in the groups the document
//! tags. A group is a folder: `mod.rs` the handlers, `json.rs` the JSON shapes with their
//! conversions to and from protobuf (and `admin/search.rs` the jobs search and bulk
//! filter); `health` is one file, its three shapes being small.

pub mod admin;
pub mod auth;
pub mod batches;
pub mod candidates;
pub mod health;
pub mod imports;
pub mod openings;
pub mod resume;
pub mod usage;

use std::sync::Arc;

use tokio::sync::watch;
use tonic::transport::Channel;

/// What every route shares: the balanced channel to the servers, and whether the edge is
/// stopping (open event streams end then).
#[derive(Clone)]
pub struct AppState {
    pub channel: Channel,
    pub stopping: watch::Receiver<bool>,
    /// The largest file an import takes (`IMPORT_MAX_BYTES`).
    pub import_max_bytes: usize,
    /// How the app signs in (`OIDC_ISSUER`, `OIDC_CLIENT_ID`).
    pub auth: Arc<auth::AuthConfig>,
}

impl AppState {
    /// Completes once the edge is stopping.
    pub async fn stopped(self) {
        stopped(self.stopping).await;
    }
}

/// Completes once `stopping` turns true (or its sender is gone).
pub async fn stopped(mut stopping: watch::Receiver<bool>) {
    let _ = stopping.wait_for(|stopping| *stopping).await;
}
