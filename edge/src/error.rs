//! The edge's one error type: the contract's error body, and the single mapping from
//! gRPC status codes to HTTP.

use axum::{
    Json,
    http::{HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};
use serde::Serialize;
use tonic::Code;
use utoipa::{IntoResponses, ToSchema};

/// An error as the client sees it: `{"error":{"code","message"}}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    pub status: StatusCode,
    /// The gRPC status name, e.g. `INVALID_ARGUMENT`.
    pub code: &'static str,
    pub message: String,
    /// Seconds to wait before retrying, sent as `Retry-After` with a 429.
    pub retry_after: Option<u64>,
}

impl ApiError {
    /// An error with no `Retry-After`.
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> ApiError {
        ApiError { status, code, message: message.into(), retry_after: None }
    }

    /// A 400 naming what is wrong with the request.
    pub fn invalid(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, "INVALID_ARGUMENT", message)
    }
}

/// The message a server's answer must carry: its absence is the server's fault, a 500
/// with no internals, never an empty `200 {}`.
pub fn required<T>(message: Option<T>, what: &'static str) -> Result<T, ApiError> {
    message.ok_or_else(|| {
        tracing::error!(what, "the server's answer lacks its message");
        ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "INTERNAL", "internal error")
    })
}

/// The HTTP status and code name of a gRPC code.
fn http_of(code: Code) -> (StatusCode, &'static str) {
    match code {
        Code::InvalidArgument => (StatusCode::BAD_REQUEST, "INVALID_ARGUMENT"),
        Code::OutOfRange => (StatusCode::BAD_REQUEST, "OUT_OF_RANGE"),
        Code::Unauthenticated => (StatusCode::UNAUTHORIZED, "UNAUTHENTICATED"),
        Code::PermissionDenied => (StatusCode::FORBIDDEN, "PERMISSION_DENIED"),
        Code::NotFound => (StatusCode::NOT_FOUND, "NOT_FOUND"),
        Code::AlreadyExists => (StatusCode::CONFLICT, "ALREADY_EXISTS"),
        Code::FailedPrecondition => (StatusCode::CONFLICT, "FAILED_PRECONDITION"),
        Code::ResourceExhausted => (StatusCode::TOO_MANY_REQUESTS, "RESOURCE_EXHAUSTED"),
        Code::Cancelled => (StatusCode::from_u16(499).unwrap_or(StatusCode::BAD_REQUEST), "CANCELLED"),
        Code::Unavailable => (StatusCode::SERVICE_UNAVAILABLE, "UNAVAILABLE"),
        Code::DeadlineExceeded => (StatusCode::GATEWAY_TIMEOUT, "DEADLINE_EXCEEDED"),
        Code::Ok | Code::Unknown | Code::Aborted | Code::Unimplemented | Code::Internal | Code::DataLoss => {
            (StatusCode::INTERNAL_SERVER_ERROR, "INTERNAL")
        }
    }
}

impl From<tonic::Status> for ApiError {
    fn from(status: tonic::Status) -> ApiError {
        let (http, code) = http_of(status.code());
        let message = if http == StatusCode::INTERNAL_SERVER_ERROR {
            tracing::error!(code = ?status.code(), message = status.message(), "server error");
            "internal error".to_owned()
        } else if status.code() == Code::Unavailable && status.message().contains("tcp connect") {
            // A transport failure says where the server is; the client need not know.
            "the service is unavailable; try again".to_owned()
        } else {
            status.message().to_owned()
        };
        // The server says how long a rate-limited client should wait.
        let retry_after = (status.code() == Code::ResourceExhausted)
            .then(|| status.metadata().get("retry-after")?.to_str().ok()?.parse().ok())
            .flatten();
        ApiError { status: http, code, message, retry_after }
    }
}

/// The body of every error: `{"error":{"code","message"}}`.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

/// What went wrong.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorDetail {
    /// The gRPC status name, e.g. `INVALID_ARGUMENT`.
    #[schema(example = "INVALID_ARGUMENT")]
    pub code: &'static str,
    /// For the caller: names the offending field where there is one; no internals.
    #[schema(example = "priority must be \"default\" or \"high\"")]
    pub message: String,
}

impl ApiError {
    /// The error's body.
    pub fn body(&self) -> ErrorBody {
        ErrorBody { error: ErrorDetail { code: self.code, message: self.message.clone() } }
    }
}

/// The errors every route that needs a token may answer.
#[derive(IntoResponses)]
pub enum CallerErrors {
    /// Missing, malformed, expired or wrongly signed bearer token.
    #[response(status = 401)]
    Unauthenticated(ErrorBody),
    /// Over the per-user request limit, or (a submission that would call the model) over
    /// the caller's monthly budget, the message naming it and when it resets;
    /// `Retry-After` says when to try again.
    #[response(status = 429, headers(("Retry-After" = u64, description = "Seconds to wait")))]
    RateLimited(ErrorBody),
    /// An internal error (no internals in the message).
    #[response(status = 500)]
    Internal(ErrorBody),
    /// A backend (database, Redis, server) is unavailable; try again.
    #[response(status = 503)]
    Unavailable(ErrorBody),
}

/// The errors of a request with a path id, a query or a body.
#[derive(IntoResponses)]
pub enum InputErrors {
    /// The request is invalid; the message names the field.
    #[response(status = 400)]
    Invalid(ErrorBody),
}

/// The errors of a request with a JSON body.
#[derive(IntoResponses)]
pub enum BodyErrors {
    /// The body is over 1 MiB.
    #[response(status = 413)]
    TooLarge(ErrorBody),
}

/// No such row for the caller: another user's looks exactly the same.
#[derive(IntoResponses)]
pub enum NotFound {
    /// No such candidate, target job or job of yours.
    #[response(status = 404)]
    NotFound(ErrorBody),
}

/// The row exists but is not in a state that allows the call.
#[derive(IntoResponses)]
pub enum Conflict {
    /// Not in a state that allows this (for example, a download before `SUCCESS`).
    #[response(status = 409)]
    Conflict(ErrorBody),
}

/// The caller's token lacks the role the call needs.
#[derive(IntoResponses)]
pub enum Forbidden {
    /// The call needs the `ops` or `admin` role.
    #[response(status = 403)]
    Forbidden(ErrorBody),
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut response = (self.status, Json(self.body())).into_response();
        if self.status == StatusCode::TOO_MANY_REQUESTS {
            let seconds = HeaderValue::from(self.retry_after.unwrap_or(60));
            response.headers_mut().insert(header::RETRY_AFTER, seconds);
        }
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_message_is_an_internal_error() {
        let error = required(None::<u8>, "job").unwrap_err();
        assert_eq!(
            (error.status, error.code, error.message.as_str()),
            (StatusCode::INTERNAL_SERVER_ERROR, "INTERNAL", "internal error")
        );
        assert_eq!(required(Some(7), "job"), Ok(7));
    }

    #[test]
    fn codes_map_to_the_contract_table() {
        let cases = [
            (Code::InvalidArgument, 400),
            (Code::Unauthenticated, 401),
            (Code::PermissionDenied, 403),
            (Code::NotFound, 404),
            (Code::AlreadyExists, 409),
            (Code::FailedPrecondition, 409),
            (Code::ResourceExhausted, 429),
            (Code::Cancelled, 499),
            (Code::Unavailable, 503),
            (Code::DeadlineExceeded, 504),
            (Code::Internal, 500),
            (Code::Unknown, 500),
        ];
        for (code, http) in cases {
            assert_eq!(ApiError::from(tonic::Status::new(code, "m")).status.as_u16(), http, "{code:?}");
        }
    }

    #[test]
    fn internal_errors_hide_their_message() {
        let error = ApiError::from(tonic::Status::internal("panic at db.rs:42"));
        assert_eq!(error.message, "internal error");
        let error = ApiError::from(tonic::Status::not_found("job x not found"));
        assert_eq!((error.code, error.message.as_str()), ("NOT_FOUND", "job x not found"));
    }

    #[test]
    fn too_many_requests_carries_the_servers_retry_after() {
        let mut status = tonic::Status::resource_exhausted("slow down");
        status.metadata_mut().insert("retry-after", "7".parse().unwrap());
        let response = ApiError::from(status).into_response();
        assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(response.headers()[header::RETRY_AFTER], "7");
        let response = ApiError::from(tonic::Status::resource_exhausted("slow down")).into_response();
        assert_eq!(response.headers()[header::RETRY_AFTER], "60");
    }
}
