//! The JSON of what jobs cost: a user's usage over a window, their monthly budget, and a
//! batch's estimate, with their conversions from `resume.v1` messages.

use resume_proto::v1;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::{json::time, routes::admin::HistoryWindow};

/// The window of `GET /api/me/usage`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UsageQuery {
    /// `1h`, `24h`, `7d` or `30d` (when absent).
    #[param(value_type = Option<HistoryWindow>, inline)]
    pub window: Option<String>,
}

/// A user's monthly budget and what they spent of it.
#[derive(Debug, Serialize, ToSchema)]
pub struct Budget {
    /// USD per calendar month (UTC); null: no budget.
    pub monthly_budget_usd: Option<f64>,
    /// An admin set this user's budget (in place of `USER_MONTHLY_BUDGET_USD`).
    pub overridden: bool,
    /// What the user's jobs that ended this month cost.
    pub spent_usd: f64,
    /// What is left this month (never below 0); null without a budget.
    pub remaining_usd: Option<f64>,
    /// When the month's spend starts again from 0: the first of next month, 00:00 UTC.
    pub resets_at: Option<String>,
}

impl From<v1::Budget> for Budget {
    fn from(b: v1::Budget) -> Budget {
        let v1::Budget { monthly_budget_usd, overridden, spent_usd, remaining_usd, resets_at } = b;
        Budget { monthly_budget_usd, overridden, spent_usd, remaining_usd, resets_at: time(resets_at) }
    }
}

/// One model's share of the usage.
#[derive(Debug, Serialize, ToSchema)]
pub struct ModelUsage {
    /// The model that ran the jobs (`offline` for the offline generator; empty for jobs
    /// older than the record of it, priced at `OPENAI_MODEL`).
    pub model: String,
    pub jobs: i64,
    pub prompt_tokens: i64,
    /// Of `prompt_tokens`, those the provider read from its prompt cache.
    pub cached_tokens: i64,
    pub completion_tokens: i64,
    /// At the model's `MODEL_PRICES` price (cached prompt tokens at its cached price).
    pub cost_usd: f64,
}

impl From<v1::ModelUsage> for ModelUsage {
    fn from(m: v1::ModelUsage) -> ModelUsage {
        let v1::ModelUsage { model, jobs, prompt_tokens, cached_tokens, completion_tokens, cost_usd } = m;
        ModelUsage { model, jobs, prompt_tokens, cached_tokens, completion_tokens, cost_usd }
    }
}

/// The caller's jobs submitted within the window: what they came to and cost.
#[derive(Debug, Serialize, ToSchema)]
pub struct Usage {
    /// The window (`30d` when none was asked for).
    pub window: String,
    /// Its start: the jobs counted were submitted at or after it.
    pub since: Option<String>,
    /// Every job (generations, renders, imports) submitted in the window.
    pub jobs: i64,
    pub succeeded: i64,
    pub failed: i64,
    pub cancelled: i64,
    /// `PENDING` or `PROCESSING`.
    pub running: i64,
    /// Successes made without a model call: the result cache or a stored content.
    pub cache_hits: i64,
    /// Resumes and letters a model (or the offline generator) made.
    pub generated: i64,
    pub prompt_tokens: i64,
    /// Of `prompt_tokens`, those the provider read from its prompt cache.
    pub cached_tokens: i64,
    pub completion_tokens: i64,
    /// Each job's tokens at the price of the model that ran it.
    pub cost_usd: f64,
    /// What the caches saved: each cache hit at `average_cost_usd`, plus the cached
    /// prompt tokens at the prompt price less their cached price.
    pub cache_savings_usd: f64,
    /// What one resume made by the model cost on average over the caller's last 30 days
    /// (every user's when the caller made none); null when nothing was made.
    pub average_cost_usd: Option<f64>,
    /// By model, most expensive first.
    pub models: Vec<ModelUsage>,
    pub budget: Option<Budget>,
}

impl From<v1::GetMyUsageResponse> for Usage {
    fn from(u: v1::GetMyUsageResponse) -> Usage {
        let v1::GetMyUsageResponse {
            window,
            since,
            jobs,
            succeeded,
            failed,
            cancelled,
            running,
            cache_hits,
            generated,
            prompt_tokens,
            cached_tokens,
            completion_tokens,
            cost_usd,
            cache_savings_usd,
            average_cost_usd,
            models,
            budget,
        } = u;
        Usage {
            window,
            since: time(since),
            jobs,
            succeeded,
            failed,
            cancelled,
            running,
            cache_hits,
            generated,
            prompt_tokens,
            cached_tokens,
            completion_tokens,
            cost_usd,
            cache_savings_usd,
            average_cost_usd,
            models: models.into_iter().map(Into::into).collect(),
            budget: budget.map(Into::into),
        }
    }
}

/// What a batch would cost, and whether the caller's budget takes it.
#[derive(Debug, Serialize, ToSchema)]
pub struct BatchEstimate {
    /// How many jobs it would make.
    pub items: i64,
    /// `items` × `average_cost_usd`; null when there is nothing to average.
    pub estimated_cost_usd: Option<f64>,
    /// What one resume made by the model cost on average over the caller's last 30 days
    /// (every user's when the caller made none).
    pub average_cost_usd: Option<f64>,
    pub budget: Option<Budget>,
    /// The budget takes the estimate: the submission is not refused for it.
    pub within_budget: bool,
}

impl From<v1::EstimateBatchResponse> for BatchEstimate {
    fn from(e: v1::EstimateBatchResponse) -> BatchEstimate {
        let v1::EstimateBatchResponse { items, estimated_cost_usd, average_cost_usd, budget, within_budget } = e;
        BatchEstimate { items, estimated_cost_usd, average_cost_usd, budget: budget.map(Into::into), within_budget }
    }
}
