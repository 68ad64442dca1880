//! What every route group's JSON shares: times as the API writes and reads them (RFC 3339,
//! UTC), the strict readers of integers and objects in request bodies, the schema-only
//! rules of list items, and the paging query. Each group's own shapes and their
//! conversions to and from `resume.v1` messages live beside its routes, in
//! `routes/<group>/json.rs`; requests reject unknown fields, responses use `null` for
//! absent values.

use chrono::{DateTime, SecondsFormat, Utc};
use resume_proto::time::from_timestamp;
use serde::Deserialize;
use utoipa::IntoParams;

use crate::error::ApiError;

/// Integers in request bodies as JSON Schema counts them: `7` and `7.0` alike (serde's own
/// integers refuse `7.0`, which the document's `integer` type allows).
pub(crate) mod integer {
    use serde::{Deserialize, Deserializer, de::Error};

    /// A whole number in range of `T`, written with or without a zero fraction.
    fn whole<'de, D: Deserializer<'de>, T: TryFrom<i64>>(value: serde_json::Number) -> Result<T, D::Error> {
        let n = match (value.as_i64(), value.as_f64()) {
            (Some(n), _) => Some(n),
            // Beyond 2^53 a float is not exactly the integer it was written as.
            (None, Some(f)) if f.fract() == 0.0 && f.abs() < 2f64.powi(53) => Some(f as i64),
            _ => None,
        };
        n.and_then(|n| T::try_from(n).ok())
            .ok_or_else(|| D::Error::custom(format!("invalid value: {value}, expected an integer in range")))
    }

    pub fn required<'de, D: Deserializer<'de>, T: TryFrom<i64>>(deserializer: D) -> Result<T, D::Error> {
        whole::<D, T>(serde_json::Number::deserialize(deserializer)?)
    }

    pub fn optional<'de, D: Deserializer<'de>, T: TryFrom<i64>>(deserializer: D) -> Result<Option<T>, D::Error> {
        Option::<serde_json::Number>::deserialize(deserializer)?.map(whole::<D, T>).transpose()
    }

    pub fn list<'de, D: Deserializer<'de>, T: TryFrom<i64>>(deserializer: D) -> Result<Vec<T>, D::Error> {
        Vec::<serde_json::Number>::deserialize(deserializer)?.into_iter().map(whole::<D, T>).collect()
    }
}

/// Objects in request bodies as JSON Schema types them: serde reads a struct from an array
/// too (`[null, null]` as a two-field struct), which the document's `object` type refuses.
pub(crate) mod object {
    use serde::{Deserialize, Deserializer, de::DeserializeOwned, de::Error};

    pub fn optional<'de, D: Deserializer<'de>, T: DeserializeOwned>(deserializer: D) -> Result<Option<T>, D::Error> {
        match Option::<serde_json::Value>::deserialize(deserializer)? {
            None | Some(serde_json::Value::Null) => Ok(None),
            Some(value @ serde_json::Value::Object(_)) => {
                serde_json::from_value(value).map(Some).map_err(D::Error::custom)
            }
            Some(other) => Err(D::Error::custom(format!("invalid type: {}, expected an object", kind(&other)))),
        }
    }

    fn kind(value: &serde_json::Value) -> &'static str {
        match value {
            serde_json::Value::Array(_) => "array",
            serde_json::Value::String(_) => "string",
            serde_json::Value::Number(_) => "number",
            serde_json::Value::Bool(_) => "boolean",
            serde_json::Value::Null | serde_json::Value::Object(_) => "value",
        }
    }
}

/// Schema-only shapes of list items the server checks, so that the document states the
/// server's rules (required text is not blank, `\S`; lengths in characters) for them as
/// the fields' own attributes do for the rest.
pub(crate) mod rules {
    use utoipa::ToSchema;

    /// One skill: not blank, at most 100 characters.
    #[derive(ToSchema)]
    #[schema(value_type = String, min_length = 1, max_length = 100, pattern = r"\S")]
    #[expect(dead_code, reason = "only the OpenAPI document reads it")]
    pub struct Skill(pub String);

    /// A file's bytes.
    #[derive(ToSchema)]
    #[schema(value_type = String, format = Binary)]
    #[expect(dead_code, reason = "only the OpenAPI document reads it")]
    pub struct Document(pub Vec<u8>);

    /// A database id: a positive integer.
    #[derive(ToSchema)]
    #[schema(value_type = i64, minimum = 1)]
    #[expect(dead_code, reason = "only the OpenAPI document reads it")]
    pub struct Id(pub i64);
    /// One paragraph of a cover letter: not blank, at most 3,000 characters.
    #[derive(ToSchema)]
    #[schema(value_type = String, min_length = 1, max_length = 3000, pattern = r"\S")]
    #[expect(dead_code, reason = "only the OpenAPI document reads it")]
    pub struct Paragraph(pub String);

    /// One highlight of a role: not blank, at most 1,000 characters.
    #[derive(ToSchema)]
    #[schema(value_type = String, min_length = 1, max_length = 1000, pattern = r"\S")]
    #[expect(dead_code, reason = "only the OpenAPI document reads it")]
    pub struct Highlight(pub String);
}

/// The query parameter `field`, an RFC 3339 time, as a protobuf timestamp; none when it is
/// absent.
pub(crate) fn parse_time(field: &str, value: Option<&str>) -> Result<Option<prost_types::Timestamp>, ApiError> {
    value
        .map(|v| {
            DateTime::parse_from_rfc3339(v)
                .map(|t| resume_proto::time::to_timestamp(t.with_timezone(&Utc)))
                .map_err(|_| ApiError::invalid(format!("{field} must be an RFC 3339 time")))
        })
        .transpose()
}

/// A protobuf time as the API shows times: RFC 3339, UTC, `Z`.
pub(crate) fn time(t: Option<prost_types::Timestamp>) -> Option<String> {
    t.as_ref().and_then(from_timestamp).map(|t| t.to_rfc3339_opts(SecondsFormat::Micros, true))
}

/// The paging query of the list routes.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    /// Page size, 1–100 (20 when absent).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<i32>,
    /// The `next_page_token` of the page before.
    pub page_token: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_are_rfc3339_utc_with_z() {
        let t = prost_types::Timestamp { seconds: 1_795_860_000, nanos: 123_456_000 };
        assert_eq!(time(Some(t)).unwrap(), "2026-11-28T10:00:00.123456Z");
        assert_eq!(time(None), None);
    }
}
