//! The operators' jobs search and the bulk action over the same filter: the query of
//! `GET /api/admin/jobs`, the filter of `POST /api/admin/jobs/bulk`, and their conversion to
//! a `resume.v1` filter (where the server reads an empty text as no condition).

use resume_proto::v1;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::{
    error::ApiError,
    json::{integer, object, parse_time},
    routes::resume::json::JobStatus,
};

/// The search of `GET /api/admin/jobs`: every condition given must hold. Its fields are
/// [`JobFilter`]'s, spelled out rather than flattened: a flattened query reads every value
/// as a string, so `candidate_id` would be refused.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct JobsQuery {
    /// Page size, 1–100 (20 when absent).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<i32>,
    /// The `next_page_token` of the page before.
    pub page_token: Option<String>,
    #[param(value_type = Option<JobStatus>)]
    pub status: Option<String>,
    /// The user id of whoever submitted it.
    pub owner: Option<String>,
    #[param(minimum = 1)]
    pub candidate_id: Option<i64>,
    #[param(value_type = Option<QueueName>, inline)]
    pub queue: Option<String>,
    /// The worker that claimed it last.
    pub worker: Option<String>,
    /// An error group's `id`: jobs with a failure or retried attempt in it.
    pub error_group: Option<String>,
    /// Text in the error message (case-insensitive).
    #[param(max_length = 200)]
    pub q: Option<String>,
    /// Submitted at or after this RFC 3339 time.
    #[param(format = DateTime)]
    pub since: Option<String>,
    /// Submitted before this RFC 3339 time.
    #[param(format = DateTime)]
    pub until: Option<String>,
}

impl JobsQuery {
    /// The filter, and the page asked for.
    pub fn into_request(self) -> Result<v1::ListJobsRequest, ApiError> {
        let JobsQuery { limit, page_token, status, owner, candidate_id, queue, worker, error_group, q, since, until } =
            self;
        let filter = JobFilter { status, owner, candidate_id, queue, worker, error_group, q, since, until };
        Ok(v1::ListJobsRequest { filter: Some(filter.try_into()?), limit, page_token: page_token.unwrap_or_default() })
    }
}

/// Which jobs a bulk action covers: the keys of the jobs search, every one given must hold.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct JobFilter {
    #[serde(default)]
    #[schema(value_type = Option<JobStatus>)]
    pub status: Option<String>,
    #[serde(default)]
    pub owner: Option<String>,
    #[serde(default, deserialize_with = "integer::optional")]
    #[schema(minimum = 1)]
    pub candidate_id: Option<i64>,
    #[serde(default)]
    #[schema(value_type = Option<QueueName>, inline)]
    pub queue: Option<String>,
    #[serde(default)]
    pub worker: Option<String>,
    #[serde(default)]
    pub error_group: Option<String>,
    /// Text in the error message (case-insensitive).
    #[serde(default)]
    #[schema(max_length = 200)]
    pub q: Option<String>,
    /// RFC 3339.
    #[serde(default)]
    #[schema(format = DateTime)]
    pub since: Option<String>,
    /// RFC 3339.
    #[serde(default)]
    #[schema(format = DateTime)]
    pub until: Option<String>,
}

impl TryFrom<JobFilter> for v1::JobFilter {
    type Error = ApiError;

    /// Texts as they are (an empty one is no condition, as the server reads every filter);
    /// an empty time is not a time.
    fn try_from(f: JobFilter) -> Result<v1::JobFilter, Self::Error> {
        let JobFilter { status, owner, candidate_id, queue, worker, error_group, q, since, until } = f;
        Ok(v1::JobFilter {
            since: parse_time("since", since.as_deref())?,
            until: parse_time("until", until.as_deref())?,
            status,
            owner,
            candidate_id,
            queue,
            worker,
            error_group,
            q,
        })
    }
}

/// A queue's name.
#[derive(ToSchema)]
#[serde(rename_all = "snake_case")]
#[expect(dead_code, reason = "only the OpenAPI document reads it")]
pub enum QueueName {
    PriorityHigh,
    ResumeGeneration,
}

/// What to do to every job a filter matches.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Bulk {
    /// `retry` (FAILURE and CANCELLED jobs run again) or `cancel` (jobs not ended).
    #[schema(value_type = BulkAction)]
    pub action: String,
    /// Every job when absent.
    #[serde(default, deserialize_with = "object::optional")]
    pub filter: Option<JobFilter>,
    /// Only count how many jobs match and how many would change (false when absent).
    #[serde(default)]
    pub dry_run: bool,
}

/// A bulk action.
#[derive(ToSchema)]
#[serde(rename_all = "lowercase")]
#[expect(dead_code, reason = "only the OpenAPI document reads it")]
pub enum BulkAction {
    Retry,
    Cancel,
}

/// How many jobs a bulk action's filter matched, and how many it changed.
#[derive(Debug, Serialize, ToSchema)]
pub struct BulkOutcome {
    pub matched: i64,
    pub changed: i64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bulk_filter_is_an_object_and_its_empty_time_is_refused() {
        let bulk = |body: &str| serde_json::from_str::<Bulk>(body).map_err(|e| e.to_string());
        let error = bulk(r#"{"action": "retry", "filter": [null, null]}"#).unwrap_err();
        assert!(error.contains("expected an object"), "{error}");
        assert!(bulk(r#"{"action": "retry", "filter": {"colour": 1}}"#).unwrap_err().contains("unknown field"));
        assert!(bulk(r#"{"action": "retry", "filter": null}"#).unwrap().filter.is_none());
        // Texts go to the server as they are (it reads an empty one as no condition: the
        // operations e2e test); an empty time is refused here, where times are read.
        let body = r#"{"action": "cancel", "filter": {"status": "PENDING"}}"#;
        let filter = v1::JobFilter::try_from(bulk(body).unwrap().filter.unwrap()).unwrap();
        assert_eq!(filter.status.as_deref(), Some("PENDING"));
        let body = r#"{"action": "cancel", "filter": {"since": ""}}"#;
        let error = v1::JobFilter::try_from(bulk(body).unwrap().filter.unwrap()).unwrap_err();
        assert_eq!(error.message, "since must be an RFC 3339 time");
    }
}
