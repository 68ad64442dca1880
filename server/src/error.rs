//! The server's one error type and its single mapping to `tonic::Status`.

use tonic::Status;

/// What can go wrong while serving a request.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The request is malformed; the message names the field.
    #[error("{0}")]
    InvalidArgument(String),
    /// No such row for this caller (also what another user's row looks like).
    #[error("{0}")]
    NotFound(String),
    /// The row exists but is not in a state that allows the call.
    #[error("{0}")]
    FailedPrecondition(String),
    /// A backend (database, Redis) cannot be reached; the caller may retry.
    #[error("{0}")]
    Unavailable(String),
    /// A database failure; its details are logged, never shown.
    #[error("database error: {0}")]
    Database(#[from] sea_orm::DbErr),
    /// A Redis failure; its details are logged, never shown.
    #[error("redis error: {0}")]
    Redis(#[from] fred::error::Error),
    /// Data in storage that should not be there; logged, never shown.
    #[error("corrupt data: {0}")]
    Corrupt(String),
    /// A batch's archive could not be written; logged, never shown.
    #[error("archive error: {0}")]
    Archive(String),
    /// The caller's monthly budget does not take the model work asked for; `message` names
    /// the budget and when it resets, `retry_after_secs` is the time until it does.
    #[error("{message}")]
    OverBudget { message: String, retry_after_secs: u64 },
}

/// Shorthand for results in this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl From<Error> for Status {
    fn from(err: Error) -> Status {
        match err {
            Error::InvalidArgument(msg) => Status::invalid_argument(msg),
            Error::NotFound(msg) => Status::not_found(msg),
            Error::FailedPrecondition(msg) => Status::failed_precondition(msg),
            Error::Unavailable(msg) => Status::unavailable(msg),
            Error::Database(ref cause) => {
                tracing::error!(error = %cause, "database error");
                Status::unavailable("the database is unavailable; try again")
            }
            Error::Redis(ref cause) => {
                tracing::error!(error = %cause, "redis error");
                Status::unavailable("the queue is unavailable; try again")
            }
            Error::Corrupt(ref cause) => {
                tracing::error!(error = %cause, "corrupt data");
                Status::internal("internal error")
            }
            Error::Archive(ref cause) => {
                tracing::error!(error = %cause, "archive error");
                Status::internal("internal error")
            }
            Error::OverBudget { message, retry_after_secs } => {
                let mut status = Status::resource_exhausted(message);
                status.metadata_mut().insert("retry-after", retry_after_secs.into());
                status
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tonic::Code;

    #[test]
    fn internals_never_reach_the_client() {
        let status = Status::from(Error::Database(sea_orm::DbErr::Custom("password=x".into())));
        assert_eq!(status.code(), Code::Unavailable);
        assert!(!status.message().contains("password"));
        let status = Status::from(Error::Corrupt("row 7 has bad json".into()));
        assert_eq!(status.code(), Code::Internal);
        assert_eq!(status.message(), "internal error");
    }

    #[test]
    fn client_errors_keep_their_message() {
        let status = Status::from(Error::InvalidArgument("file_type must be \"word\" or \"pdf\"".into()));
        assert_eq!(status.code(), Code::InvalidArgument);
        assert_eq!(status.message(), "file_type must be \"word\" or \"pdf\"");
        assert_eq!(Status::from(Error::NotFound("x".into())).code(), Code::NotFound);
    }
}
