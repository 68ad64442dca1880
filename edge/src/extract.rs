//! Request extractors whose every rejection is the contract's error body, naming the
//! offending field.

use axum::{
    body::Bytes,
    extract::{FromRequest, Request, rejection::QueryRejection},
    http::{HeaderMap, StatusCode, header::AUTHORIZATION},
};
use serde::de::DeserializeOwned;

use crate::error::ApiError;

/// The largest request body accepted.
pub const MAX_BODY: usize = 1024 * 1024;

/// A JSON request body, strictly parsed.
pub struct JsonBody<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for JsonBody<T> {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, ApiError> {
        let too_large =
            || ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, "INVALID_ARGUMENT", "request body is larger than 1 MiB");
        let bytes = Bytes::from_request(request, state).await.map_err(|rejection| {
            if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
                too_large()
            } else {
                ApiError::invalid(format!("request body could not be read: {}", rejection.body_text()))
            }
        })?;
        // The edge's body limit is an import's; a JSON body's is its own.
        if bytes.len() > MAX_BODY {
            return Err(too_large());
        }
        parse(&bytes).map(JsonBody)
    }
}

/// `bytes` as a `T`, or a 400 saying which field is wrong and how.
pub fn parse<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    let value = serde_path_to_error::deserialize(&mut deserializer).map_err(|error| {
        let path = error.path().to_string();
        let inner = error.into_inner();
        let what = without_position(&inner.to_string());
        if inner.is_syntax() || inner.is_eof() {
            ApiError::invalid(format!("request body is not valid JSON: {what}"))
        } else if path == "." {
            ApiError::invalid(what)
        } else {
            ApiError::invalid(format!("{path}: {what}"))
        }
    })?;
    deserializer
        .end()
        .map_err(|_| ApiError::invalid("request body is not valid JSON: trailing characters after the object"))?;
    Ok(value)
}

/// serde_json's message without " at line 1 column 20".
fn without_position(message: &str) -> String {
    message.split(" at line ").next().unwrap_or(message).to_owned()
}

/// A query string that failed to parse, as a 400.
pub fn query_error(rejection: QueryRejection) -> ApiError {
    let text = rejection.body_text();
    ApiError::invalid(text.trim_start_matches("Failed to deserialize query string: ").to_owned())
}

/// A history window from the query: absent is the route's default (sent as empty); given
/// empty (`?window=`) is refused like any other unknown window.
pub fn window_of(window: Option<String>) -> Result<String, ApiError> {
    match window {
        Some(window) if window.is_empty() => {
            Err(ApiError::invalid("window must be \"1h\", \"24h\", \"7d\" or \"30d\""))
        }
        window => Ok(window.unwrap_or_default()),
    }
}

/// A numeric id from the path; an integer written with a zero fraction (`12.0`, as a JSON
/// number may be printed) is that integer.
pub fn id(field: &str, value: &str) -> Result<i64, ApiError> {
    let whole = value.strip_suffix(".0").filter(|w| !w.is_empty()).unwrap_or(value);
    whole.parse().map_err(|_| ApiError::invalid(format!("{field} must be an integer")))
}

/// A gRPC request carrying the caller's bearer token, if any, and the request's trace.
pub fn grpc<T>(headers: &HeaderMap, message: T) -> tonic::Request<T> {
    let mut request = tonic::Request::new(message);
    if let Some(value) = headers.get(AUTHORIZATION).and_then(|v| v.to_str().ok()).and_then(|v| v.parse().ok()) {
        request.metadata_mut().insert("authorization", value);
    }
    runtime::trace::inject(&mut request);
    request
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::routes::resume::json::Generate;

    fn message(body: &str) -> String {
        parse::<Generate>(body.as_bytes()).err().map(|e| e.message).unwrap_or_default()
    }

    #[test]
    fn errors_name_the_field() {
        assert_eq!(
            message(r#"{"candidate_id": "one"}"#),
            "candidate_id: invalid type: string \"one\", expected a JSON number"
        );
        assert!(message(r#"{"candidate_id": 1, "extra": 2}"#).contains("unknown field `extra`"));
        assert_eq!(message(r#"{"file_type": "pdf"}"#), "missing field `candidate_id`");
        assert!(message("not json").starts_with("request body is not valid JSON"));
        assert!(message(r#"{"candidate_id": 1} {}"#).starts_with("request body is not valid JSON"));
        assert!(message(r#"{"candidate_id": 99999999999999999999}"#).starts_with("candidate_id: "));
    }

    #[test]
    fn path_ids_must_be_integers() {
        assert_eq!(id("id", "12").unwrap(), 12);
        assert_eq!(id("id", "132768794.0").unwrap(), 132768794, "a JSON integer printed as a float");
        assert_eq!(id("id", "x").unwrap_err().message, "id must be an integer");
        assert_eq!(id("id", "1.5").unwrap_err().message, "id must be an integer");
        assert_eq!(id("id", ".0").unwrap_err().message, "id must be an integer");
    }
}
