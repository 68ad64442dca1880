//! The gRPC adapters: one thin file per service, each turning requests into calls on
//! [`core`](crate::core) and results into responses.

pub mod admin;
pub mod batch;
pub mod candidate;
pub mod opening;
pub mod readiness;
pub mod resume;
pub mod usage;
pub mod worker;

use tonic::Status;

/// A required message field that is absent.
fn missing(field: &str) -> Status {
    Status::invalid_argument(format!("{field} is required"))
}

/// A server stream's responses.
pub type ResponseStream<T> = std::pin::Pin<Box<dyn futures::Stream<Item = Result<T, tonic::Status>> + Send>>;
