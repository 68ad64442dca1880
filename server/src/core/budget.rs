//! Monthly budgets: what each user may spend on the model per calendar month (UTC), from
//! `USER_MONTHLY_BUDGET_USD` or an admin's override (`user_budget`), and the refusals that
//! keep them. A job's cost is known once it ran, so one job is let through while anything
//! is left and refused once the month's spend has reached the budget; a batch is refused
//! whole when its estimate exceeds what is left. Cache hits, renders and imports read
//! exactly (JSON Resume, LinkedIn) never reach these checks, and without `OPENAI_API_KEY`
//! (the offline generator costs nothing) nothing is refused.

use std::collections::HashMap;

use chrono::{DateTime, Datelike, TimeZone, Utc};
use resume_proto::{time::to_timestamp, v1};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, Set, sea_query::OnConflict};

use crate::{
    AppState,
    core::{actions, usage},
    db::{self, user_budget},
    error::{Error, Result},
};

/// 00:00 UTC on the first of `now`'s month.
pub fn month_start(now: DateTime<Utc>) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(now.year(), now.month(), 1, 0, 0, 0).single().unwrap_or(now)
}

/// 00:00 UTC on the first of the month after `now`'s: when a month's spend starts again.
pub fn next_month(now: DateTime<Utc>) -> DateTime<Utc> {
    let (year, month) = if now.month() == 12 { (now.year() + 1, 1) } else { (now.year(), now.month() + 1) };
    Utc.with_ymd_and_hms(year, month, 1, 0, 0, 0).single().unwrap_or(now)
}

/// A user's budget this month and what they spent of it.
#[derive(Debug, Clone, PartialEq)]
pub struct Standing {
    /// USD per month; `None`: no budget.
    pub monthly: Option<f64>,
    /// An admin set it for this user.
    pub overridden: bool,
    /// What their jobs that ended this month cost.
    pub spent: f64,
    pub resets_at: DateTime<Utc>,
}

impl Standing {
    /// What is left this month (never below 0); `None` without a budget.
    pub fn remaining(&self) -> Option<f64> {
        self.monthly.map(|budget| (budget - self.spent).max(0.0))
    }

    /// The budget as the API shows it.
    pub fn to_proto(&self) -> v1::Budget {
        v1::Budget {
            monthly_budget_usd: self.monthly,
            overridden: self.overridden,
            spent_usd: self.spent,
            remaining_usd: self.remaining(),
            resets_at: Some(to_timestamp(self.resets_at)),
        }
    }

    /// The refusal of work that this budget does not take, `why` saying what was asked.
    fn refusal(&self, why: String) -> Error {
        let budget = self.monthly.unwrap_or_default();
        let whose = if self.overridden { "your monthly budget (set by an admin)" } else { "your monthly budget" };
        let resets = self.resets_at.format("%Y-%m-%dT%H:%M:%SZ");
        let retry_after_secs = (self.resets_at - Utc::now()).num_seconds().max(1) as u64;
        let message = format!(
            "{why}: {whose} of {} has {} spent this month; it resets at {resets}",
            usd(budget),
            usd(self.spent)
        );
        Error::OverBudget { message, retry_after_secs }
    }
}

/// The monthly budget of a user whose own is `own` (an admin's override; 0 is none), or
/// the default; `None`: no budget.
fn monthly(state: &AppState, own: Option<f64>) -> Option<f64> {
    match own {
        Some(budget) => (budget > 0.0).then_some(budget),
        None => state.monthly_budget,
    }
}

/// The budgets of `owners` this month, each with what they spent.
pub async fn standings(state: &AppState, owners: &[String]) -> Result<HashMap<String, Standing>> {
    let now = Utc::now();
    let spent = usage::spent_by_owner(state, owners, month_start(now)).await?;
    let overrides: HashMap<String, f64> = user_budget::Entity::find()
        .filter(user_budget::Column::Owner.is_in(owners.iter().cloned()))
        .all(&state.db)
        .await?
        .into_iter()
        .map(|row| (row.owner, row.monthly_budget_usd))
        .collect();
    Ok(owners
        .iter()
        .map(|owner| {
            let standing = standing_of(state, overrides.get(owner).copied(), spent.get(owner).copied(), now);
            (owner.clone(), standing)
        })
        .collect())
}

/// The standing at `now` of a user whose own budget is `own` (see [`monthly`]) and who spent
/// `spent` (nothing when `None`) this month.
fn standing_of(state: &AppState, own: Option<f64>, spent: Option<f64>, now: DateTime<Utc>) -> Standing {
    Standing {
        monthly: monthly(state, own),
        overridden: own.is_some(),
        spent: spent.unwrap_or_default(),
        resets_at: next_month(now),
    }
}

/// `owner`'s budget this month.
pub async fn standing(state: &AppState, owner: &str) -> Result<Standing> {
    let owners = [owner.to_owned()];
    standings(state, &owners).await?.remove(owner).ok_or_else(|| Error::Corrupt(format!("no budget for {owner}")))
}

/// An amount in dollars as a message shows it: cents, or a smaller amount to four places
/// (a budget of $0.0001 is not "$0.00").
fn usd(amount: f64) -> String {
    match amount.abs() {
        small if small > 0.0 && small < 0.01 => format!("${amount:.4}"),
        _ => format!("${amount:.2}"),
    }
}

/// Lets one job that will call the model start while `owner`'s budget has anything left;
/// RESOURCE_EXHAUSTED naming the budget and its reset once the month's spend reached it;
/// `what` names the work ("a resume", "a cover letter", "an import").
/// `own` is `owner`'s override as read with the candidate (see [`db::candidate::WithBudget`]).
pub async fn admit_job(state: &AppState, owner: &str, own: Option<f64>, what: &str) -> Result<()> {
    // Without a budget there is nothing to count: not the month's jobs.
    if !state.online || monthly(state, own).is_none() {
        return Ok(());
    }
    let now = Utc::now();
    let owners = [owner.to_owned()];
    let spent = usage::spent_by_owner(state, &owners, month_start(now)).await?.remove(owner);
    let standing = standing_of(state, own, spent, now);
    match standing.remaining() {
        Some(left) if left <= 0.0 => Err(standing.refusal(format!("{what} that calls the model was refused"))),
        _ => Ok(()),
    }
}

/// The same for an import (no candidate to read `owner`'s override with: it is read by
/// key first).
pub async fn admit_import(state: &AppState, owner: &str) -> Result<()> {
    if !state.online {
        return Ok(());
    }
    let own = user_budget::Entity::find_by_id(owner.to_owned()).one(&state.db).await?.map(|row| row.monthly_budget_usd);
    admit_job(state, owner, own, "an import").await
}

/// Whether `standing` takes work estimated at `estimate` (always without a budget or an
/// estimate).
pub fn takes(standing: &Standing, estimate: Option<f64>) -> bool {
    match (standing.remaining(), estimate) {
        (Some(left), Some(estimate)) => estimate <= left && (left > 0.0 || estimate == 0.0),
        (Some(left), None) => left > 0.0,
        (None, _) => true,
    }
}

/// What a batch's model work is for, as a refusal names it.
#[derive(Debug, Clone, Copy)]
pub enum BatchWork {
    /// Its submission.
    Submission,
    /// Running its failed items again.
    Retry,
}

impl BatchWork {
    fn what(self) -> &'static str {
        match self {
            BatchWork::Submission => "the batch",
            BatchWork::Retry => "retrying the batch's failed items",
        }
    }
}

/// Lets `work` of `items` model calls estimated at `estimate` in, or refuses it whole when
/// the estimate exceeds what is left of the owner's budget (`standing`).
pub fn admit_batch(
    state: &AppState,
    standing: &Standing,
    work: BatchWork,
    items: usize,
    estimate: Option<f64>,
) -> Result<()> {
    if !state.online || items == 0 || takes(standing, estimate) {
        return Ok(());
    }
    let why = match estimate {
        Some(estimate) => format!(
            "{} was refused: {items} resumes that call the model are estimated at {}, more than the {} left",
            work.what(),
            usd(estimate),
            usd(standing.remaining().unwrap_or_default())
        ),
        None => format!("{} was refused: nothing is left", work.what()),
    };
    Err(standing.refusal(why))
}

/// Sets (or with no amount removes) `req.owner`'s own budget on behalf of admin `by`, in
/// the audit log as `budget`; the budget as it then is.
pub async fn set(state: &AppState, by: &str, req: v1::SetUserBudgetRequest) -> Result<v1::SetUserBudgetResponse> {
    let v1::SetUserBudgetRequest { owner, monthly_budget_usd } = req;
    if owner.is_empty() || owner.len() > 255 {
        return Err(Error::InvalidArgument("owner must be a user id of 1 to 255 characters".into()));
    }
    let target = match monthly_budget_usd {
        Some(amount) if !(amount.is_finite() && amount >= 0.0) => {
            return Err(Error::InvalidArgument("monthly_budget_usd must be 0 or more (0: no budget)".into()));
        }
        Some(amount) => {
            let row = user_budget::ActiveModel {
                owner: Set(owner.clone()),
                monthly_budget_usd: Set(amount),
                updated_at: Set(db::now()),
                updated_by: Set(by.to_owned()),
            };
            let upsert = OnConflict::column(user_budget::Column::Owner)
                .update_columns([
                    user_budget::Column::MonthlyBudgetUsd,
                    user_budget::Column::UpdatedAt,
                    user_budget::Column::UpdatedBy,
                ])
                .to_owned();
            user_budget::Entity::insert(row).on_conflict(upsert).exec(&state.db).await?;
            format!("{owner}={amount}")
        }
        None => {
            user_budget::Entity::delete_by_id(owner.clone()).exec(&state.db).await?;
            format!("{owner}=default")
        }
    };
    actions::audit(state, by, "budget", &target, 1, 1).await?;
    tracing::info!(by, target, "user budget set");
    let budget = standing(state, &owner).await?.to_proto();
    Ok(v1::SetUserBudgetResponse { owner, budget: Some(budget) })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> DateTime<Utc> {
        text.parse().unwrap()
    }

    #[test]
    fn months_start_and_reset_at_midnight_utc_on_the_first() {
        assert_eq!(month_start(at("2026-12-04T20:30:00Z")), at("2026-12-01T00:00:00Z"));
        assert_eq!(next_month(at("2026-12-04T20:30:00Z")), at("2027-01-01T00:00:00Z"));
        assert_eq!(next_month(at("2026-02-28T23:59:59Z")), at("2026-03-01T00:00:00Z"));
        assert_eq!(month_start(at("2026-03-01T00:00:00Z")), at("2026-03-01T00:00:00Z"));
    }

    #[test]
    fn a_budget_takes_what_fits_in_what_is_left() {
        let standing = |monthly: Option<f64>, spent: f64| Standing {
            monthly,
            overridden: false,
            spent,
            resets_at: at("2027-01-01T00:00:00Z"),
        };
        assert!(takes(&standing(None, 99.0), Some(1000.0)));
        assert!(takes(&standing(Some(1.0), 0.4), Some(0.6)));
        assert!(!takes(&standing(Some(1.0), 0.4), Some(0.61)));
        assert!(takes(&standing(Some(1.0), 0.4), None));
        assert!(!takes(&standing(Some(1.0), 1.2), None));
        assert!(takes(&standing(Some(1.0), 1.2), Some(0.0)), "work that costs nothing (offline) always fits");
        assert_eq!(standing(Some(1.0), 1.2).remaining(), Some(0.0));
    }

    #[test]
    fn a_refusal_names_the_budget_and_its_reset() {
        let standing = Standing { monthly: Some(2.0), overridden: true, spent: 2.5, resets_at: next_month(Utc::now()) };
        let Error::OverBudget { message, retry_after_secs } = standing.refusal("refused".into()) else {
            panic!("not an over-budget error")
        };
        assert!(message.contains("monthly budget (set by an admin) of $2.00"), "{message}");
        assert!(message.contains(&standing.resets_at.format("resets at %Y-%m-%dT00:00:00Z").to_string()), "{message}");
        assert!(retry_after_secs > 0 && retry_after_secs <= 31 * 24 * 3600);
    }

    #[test]
    fn amounts_under_a_cent_are_not_shown_as_nothing() {
        assert_eq!(
            (usd(0.44), usd(0.0), usd(0.0001), usd(0.000176), usd(12.5)),
            ("$0.44".into(), "$0.00".into(), "$0.0001".into(), "$0.0002".into(), "$12.50".into())
        );
    }
}
