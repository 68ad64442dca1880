//! The REST routes, each a 1:1 transcoding of one gRPC call.

pub mod admin;
pub mod candidates;
pub mod health;
pub mod resume;

use tonic::transport::Channel;

/// What every route shares: the balanced channel to the servers.
#[derive(Clone)]
pub struct AppState {
    pub channel: Channel,
}
