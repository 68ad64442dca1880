//! The JSON of the batch routes: what to submit (for an opening, or explicit pairs), a
//! batch with its counts and items, the list, the paths and query, and their conversions
//! to and from `resume.v1` messages.

use resume_proto::v1;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::{
    json::{integer, rules, time},
    routes::resume::json::{FileType, Job, Priority},
};

/// A batch for an opening: one resume per candidate, each tailored to the opening (a
/// candidate's target job pointing at it is used, or made).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewOpeningBatch {
    /// The caller's candidates, each once (a repeated id is 400); at most `BATCH_MAX_ITEMS`
    /// (500 by default).
    #[serde(deserialize_with = "integer::list")]
    #[schema(value_type = Vec<rules::Id>, min_items = 1)]
    pub candidate_ids: Vec<i64>,
    /// `word` when absent.
    #[serde(default)]
    #[schema(value_type = Option<FileType>)]
    pub file_type: Option<String>,
    /// `default` when absent.
    #[serde(default)]
    #[schema(value_type = Option<Priority>)]
    pub priority: Option<String>,
    /// Bypass every cache and make new variants (false when absent).
    #[serde(default)]
    pub fresh: bool,
}

/// One item of an explicit batch: a candidate and one of their target jobs (or none, for a
/// general resume).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewBatchItem {
    #[serde(deserialize_with = "integer::required")]
    #[schema(minimum = 1)]
    pub candidate_id: i64,
    #[serde(default, deserialize_with = "integer::optional")]
    #[schema(minimum = 1)]
    pub job_row_id: Option<i64>,
}

/// A batch of explicit pairs.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewBatch {
    /// Each candidate once; at most `BATCH_MAX_ITEMS` (500 by default).
    #[schema(min_items = 1)]
    pub items: Vec<NewBatchItem>,
    /// `word` when absent.
    #[serde(default)]
    #[schema(value_type = Option<FileType>)]
    pub file_type: Option<String>,
    /// `default` when absent.
    #[serde(default)]
    #[schema(value_type = Option<Priority>)]
    pub priority: Option<String>,
    /// Bypass every cache and make new variants (false when absent).
    #[serde(default)]
    pub fresh: bool,
}

impl NewOpeningBatch {
    pub fn into_request(self, opening_id: i64) -> v1::CreateBatchRequest {
        let NewOpeningBatch { candidate_ids, file_type, priority, fresh } = self;
        v1::CreateBatchRequest {
            opening_id: Some(opening_id),
            candidate_ids,
            items: vec![],
            file_type,
            priority,
            fresh,
        }
    }
}

impl From<NewBatch> for v1::CreateBatchRequest {
    fn from(b: NewBatch) -> v1::CreateBatchRequest {
        let NewBatch { items, file_type, priority, fresh } = b;
        let items = items
            .into_iter()
            .map(|NewBatchItem { candidate_id, job_row_id }| v1::BatchItemRequest { candidate_id, job_row_id })
            .collect();
        v1::CreateBatchRequest { opening_id: None, candidate_ids: vec![], items, file_type, priority, fresh }
    }
}

/// How many of a batch's items are in each status.
#[derive(Debug, Serialize, ToSchema)]
pub struct BatchCounts {
    pub pending: i64,
    pub processing: i64,
    pub succeeded: i64,
    pub failed: i64,
    pub cancelled: i64,
}

/// One item: a candidate and the job made for them.
#[derive(Debug, Serialize, ToSchema)]
pub struct BatchItem {
    pub candidate_id: i64,
    pub candidate_name: String,
    pub job: Option<Job>,
    /// How well its resume fits the posting, once it has succeeded: the match report's
    /// `score` (0-100, `GET /api/resume-async/match/{job_id}`); null before, for a cover
    /// letter, a posting without key terms, or content past retention.
    #[schema(minimum = 0, maximum = 100)]
    pub fit: Option<i32>,
}

/// A batch as the API shows it.
#[derive(Debug, Serialize, ToSchema)]
pub struct Batch {
    /// A UUID.
    pub batch_id: String,
    /// The opening it was submitted for; null for explicit pairs, or once the opening is
    /// deleted.
    pub opening_id: Option<i64>,
    /// How many items it has.
    pub total: i64,
    pub counts: BatchCounts,
    /// What it was estimated to cost when accepted: its items the caches did not answer,
    /// each at the owner's recent average per resume; null when nothing was known to
    /// average.
    pub estimated_cost_usd: Option<f64>,
    /// What its items' model calls cost so far, at `MODEL_PRICES`.
    pub cost_usd: f64,
    #[schema(value_type = FileType)]
    pub file_type: String,
    #[schema(value_type = Priority)]
    pub priority: String,
    pub fresh: bool,
    pub created_at: Option<String>,
    /// Every item (`GET /api/batches/{batch_id}` and a submission's answer); empty in the
    /// list; in the event stream, every item first and last, in between only those that changed.
    pub items: Vec<BatchItem>,
}

impl From<v1::Batch> for Batch {
    fn from(b: v1::Batch) -> Batch {
        let v1::Batch {
            batch_id,
            opening_id,
            total,
            counts,
            estimated_cost_usd,
            file_type,
            priority,
            fresh,
            created_at,
            items,
            cost_usd,
        } = b;
        let v1::BatchCounts { pending, processing, succeeded, failed, cancelled } = counts.unwrap_or_default();
        Batch {
            batch_id,
            opening_id,
            total,
            counts: BatchCounts { pending, processing, succeeded, failed, cancelled },
            estimated_cost_usd,
            cost_usd,
            file_type,
            priority,
            fresh,
            created_at: time(created_at),
            items: items
                .into_iter()
                .map(|v1::BatchItem { candidate_id, candidate_name, job, fit }| BatchItem {
                    candidate_id,
                    candidate_name,
                    job: job.map(Job::from),
                    fit,
                })
                .collect(),
        }
    }
}

/// A page of batches, newest first (counts, no items).
#[derive(Debug, Serialize, ToSchema)]
pub struct BatchList {
    pub batches: Vec<Batch>,
    /// Pass as `page_token` for the next page; null on the last.
    pub next_page_token: Option<String>,
}

/// The path of the routes about one batch.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
#[expect(dead_code, reason = "only the OpenAPI document reads it")]
pub struct BatchPath {
    /// The batch's id, a UUID (hyphenated).
    #[param(pattern = "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")]
    pub batch_id: String,
}

/// The query of `GET /api/batches`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct BatchesQuery {
    /// Page size, 1–100 (20 when absent).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<i32>,
    /// The `next_page_token` of the page before.
    pub page_token: Option<String>,
    /// Only the batches of this opening.
    #[param(minimum = 1)]
    pub opening_id: Option<i64>,
}
