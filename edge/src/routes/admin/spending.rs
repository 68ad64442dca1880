//! The JSON of the operators' view of costs: spend per owner and per day, a user's own
//! budget as an admin sets it, and the recent batches of every user.

use resume_proto::v1;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::json::HistoryWindow;
use crate::{
    json::time,
    routes::{batches::json::Batch, usage::json::Budget},
};

/// The window and size of `GET /api/admin/spending`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SpendingQuery {
    /// `1h`, `24h`, `7d` or `30d` (when absent).
    #[param(value_type = Option<HistoryWindow>, inline)]
    pub window: Option<String>,
    /// How many owners, 1-100 (20 when absent).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<i32>,
}

/// One owner's spend over the window.
#[derive(Debug, Serialize, ToSchema)]
pub struct OwnerSpending {
    /// The owner's user id (the JWT `sub`).
    pub owner: String,
    /// Their jobs that ended in the window.
    pub jobs: i64,
    pub cache_hits: i64,
    pub prompt_tokens: i64,
    pub cached_tokens: i64,
    pub completion_tokens: i64,
    pub cost_usd: f64,
    /// Their monthly budget and this month's spend.
    pub budget: Option<Budget>,
    /// What they spent each day of the window, as `days` lists them.
    pub daily_usd: Vec<f64>,
}

/// What one day's jobs cost.
#[derive(Debug, Serialize, ToSchema)]
pub struct DaySpending {
    /// 00:00 UTC of the day.
    pub day: Option<String>,
    /// Jobs that ended that day.
    pub jobs: i64,
    pub cost_usd: f64,
}

/// Every owner's spend over the window: the top spenders and each day.
#[derive(Debug, Serialize, ToSchema)]
pub struct Spending {
    /// Most spent first (then by owner).
    pub owners: Vec<OwnerSpending>,
    /// Every day of the window, oldest first (days without jobs too).
    pub days: Vec<DaySpending>,
    pub total_usd: f64,
}

impl From<v1::GetSpendingResponse> for Spending {
    fn from(s: v1::GetSpendingResponse) -> Spending {
        let v1::GetSpendingResponse { owners, days, total_usd } = s;
        let owners = owners
            .into_iter()
            .map(|o| {
                let v1::OwnerSpending {
                    owner,
                    jobs,
                    cache_hits,
                    prompt_tokens,
                    cached_tokens,
                    completion_tokens,
                    cost_usd,
                    budget,
                    daily_usd,
                } = o;
                OwnerSpending {
                    owner,
                    jobs,
                    cache_hits,
                    prompt_tokens,
                    cached_tokens,
                    completion_tokens,
                    cost_usd,
                    budget: budget.map(Into::into),
                    daily_usd,
                }
            })
            .collect();
        let days = days
            .into_iter()
            .map(|v1::DaySpending { day, jobs, cost_usd }| DaySpending { day: time(day), jobs, cost_usd })
            .collect();
        Spending { owners, days, total_usd }
    }
}

/// The user whose budget is set.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
#[expect(dead_code, reason = "only the OpenAPI document reads it")]
pub struct OwnerPath {
    /// The user's id (the JWT `sub`).
    #[param(min_length = 1, max_length = 255)]
    pub owner: String,
}

/// A user's own monthly budget.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewBudget {
    /// USD per calendar month, 0 for no budget; null (or absent): the user's own budget
    /// is removed and `USER_MONTHLY_BUDGET_USD` applies again.
    #[serde(default)]
    #[schema(minimum = 0)]
    pub monthly_budget_usd: Option<f64>,
}

/// A user's budget as it now is.
#[derive(Debug, Serialize, ToSchema)]
pub struct UserBudget {
    pub owner: String,
    pub budget: Option<Budget>,
}

impl From<v1::SetUserBudgetResponse> for UserBudget {
    fn from(r: v1::SetUserBudgetResponse) -> UserBudget {
        let v1::SetUserBudgetResponse { owner, budget } = r;
        UserBudget { owner, budget: budget.map(Into::into) }
    }
}

/// The size of `GET /api/admin/batches`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RecentBatchesQuery {
    /// 1-100 (20 when absent).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<i32>,
}

/// A batch as operators see it: whose it is, its counts and cost (no items).
#[derive(Debug, Serialize, ToSchema)]
pub struct AdminBatch {
    pub owner: String,
    pub batch: Option<Batch>,
}

/// Every user's most recent batches, newest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct AdminBatchList {
    pub batches: Vec<AdminBatch>,
}

impl From<v1::ListRecentBatchesResponse> for AdminBatchList {
    fn from(r: v1::ListRecentBatchesResponse) -> AdminBatchList {
        let batches = r
            .batches
            .into_iter()
            .map(|v1::AdminBatch { owner, batch }| AdminBatch { owner, batch: batch.map(Into::into) })
            .collect();
        AdminBatchList { batches }
    }
}
