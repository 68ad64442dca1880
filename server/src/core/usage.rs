//! What jobs cost: a user's own usage over a window (`GET /api/me/usage`), the operators'
//! spend per owner and per day, a month's spend (for budgets) and the recent average cost
//! of a resume (for estimates). Every figure is read from the job rows: each job's tokens
//! at the price of the model that ran it, so every server answers the same.

use std::collections::HashMap;

use chrono::{DateTime, TimeDelta, Utc};
use resume_proto::{
    job::{JobKind, JobStatus},
    time::to_timestamp,
    v1,
};
use sea_orm::{ColumnTrait, Condition, EntityTrait, QueryFilter, QuerySelect, Select};

use crate::{
    AppState,
    config::Tokens,
    core::{budget, history, page},
    db::resume_job::{self, Column as C},
    error::Result,
};

/// The window a usage request names by default.
const DEFAULT_WINDOW: &str = "30d";
/// How far back the average cost of a resume looks.
const AVERAGE_OVER: TimeDelta = TimeDelta::days(30);

/// Summed tokens: what the grouped queries read.
type Sums = (Option<i64>, Option<i64>, Option<i64>);
/// A grouped query's row: its key, its model and their tokens summed.
type Keyed<K> = (K, Option<String>, Option<i64>, Option<i64>, Option<i64>);

fn tokens((prompt, cached, completion): Sums) -> Tokens {
    Tokens { prompt: prompt.unwrap_or(0), cached: cached.unwrap_or(0), completion: completion.unwrap_or(0) }
}

/// `query` with the sums of its rows' tokens selected after what it already selects.
fn summed(query: Select<resume_job::Entity>) -> Select<resume_job::Entity> {
    query
        .column_as(C::PromptTokens.sum(), "prompt")
        .column_as(C::CachedTokens.sum(), "cached")
        .column_as(C::CompletionTokens.sum(), "completion")
}

/// What a job's tokens cost at the price of the model that ran it.
pub fn cost_of(state: &AppState, job: &resume_job::Model) -> f64 {
    let tokens = Tokens {
        prompt: job.prompt_tokens.into(),
        cached: job.cached_tokens.into(),
        completion: job.completion_tokens.into(),
    };
    state.prices.of(job.model.as_deref()).cost(tokens)
}

/// What the jobs `which` selects cost, by their value of `key`.
async fn cost_by(state: &AppState, key: C, which: Condition) -> Result<HashMap<String, f64>> {
    let query = resume_job::Entity::find().select_only().column(key).column(C::Model).filter(which).group_by(key);
    let rows: Vec<Keyed<Option<String>>> = summed(query.group_by(C::Model)).into_tuple().all(&state.db).await?;
    let mut costs = HashMap::new();
    for (key, model, prompt, cached, completion) in rows {
        let cost = state.prices.of(model.as_deref()).cost(tokens((prompt, cached, completion)));
        *costs.entry(key.unwrap_or_default()).or_insert(0.0) += cost;
    }
    Ok(costs)
}

/// What the jobs of each of `owners` that ended since `since` cost.
pub async fn spent_by_owner(state: &AppState, owners: &[String], since: DateTime<Utc>) -> Result<HashMap<String, f64>> {
    let which = Condition::all().add(C::Owner.is_in(owners.iter().cloned())).add(C::CompletedAt.gte(since));
    cost_by(state, C::Owner, which).await
}

/// What the items of each batch of `ids` cost so far.
pub async fn cost_by_batch(state: &AppState, ids: &[String]) -> Result<HashMap<String, f64>> {
    cost_by(state, C::BatchId, Condition::all().add(C::BatchId.is_in(ids.iter().cloned()))).await
}

/// What one resume made by a model cost on average over the last 30 days: `owner`'s, or
/// every user's when they made none; `None` when nobody did.
pub async fn average_cost(state: &AppState, owner: &str) -> Result<Option<f64>> {
    let since = Utc::now() - AVERAGE_OVER;
    for whose in [Some(owner), None] {
        let mut query = resume_job::Entity::find()
            .select_only()
            .column_as(C::Id.count(), "n")
            .column(C::Model)
            .filter(C::Kind.eq(JobKind::Generate))
            .filter(C::Status.eq(JobStatus::Success))
            .filter(C::CacheHit.eq(false))
            .filter(C::Model.is_not_null())
            .filter(C::CompletedAt.gte(since))
            .group_by(C::Model);
        if let Some(owner) = whose {
            query = query.filter(C::Owner.eq(owner));
        }
        // Keyed by how many each model made.
        let rows: Vec<Keyed<i64>> = summed(query).into_tuple().all(&state.db).await?;
        let made: i64 = rows.iter().map(|row| row.0).sum();
        if made > 0 {
            let cost: f64 = rows
                .into_iter()
                .map(|(_, model, prompt, cached, completion)| {
                    state.prices.of(model.as_deref()).cost(tokens((prompt, cached, completion)))
                })
                .sum();
            return Ok(Some(cost / made as f64));
        }
    }
    Ok(None)
}

/// `owner`'s jobs submitted within `req.window` (30 days by default): counts, tokens, cost,
/// what the caches saved, and their budget.
pub async fn mine(state: &AppState, owner: &str, req: v1::GetMyUsageRequest) -> Result<v1::GetMyUsageResponse> {
    let window = if req.window.is_empty() { DEFAULT_WINDOW.to_owned() } else { req.window };
    let since = Utc::now() - history::length(&window)?;
    let query = resume_job::Entity::find()
        .select_only()
        .columns([C::Kind, C::Status, C::CacheHit, C::Model])
        .column_as(C::Id.count(), "n")
        .filter(C::Owner.eq(owner))
        .filter(C::CreatedAt.gte(since))
        .group_by(C::Kind)
        .group_by(C::Status)
        .group_by(C::CacheHit)
        .group_by(C::Model);
    type Row = (JobKind, JobStatus, bool, Option<String>, i64, Option<i64>, Option<i64>, Option<i64>);
    let rows: Vec<Row> = summed(query).into_tuple().all(&state.db).await?;
    let (average, standing) = futures::try_join!(average_cost(state, owner), budget::standing(state, owner))?;
    let mut usage = v1::GetMyUsageResponse {
        window,
        since: Some(to_timestamp(since)),
        average_cost_usd: average,
        budget: Some(standing.to_proto()),
        ..Default::default()
    };
    let mut models: HashMap<String, v1::ModelUsage> = HashMap::new();
    let mut cached_savings = 0.0;
    for (kind, status, cache_hit, model, n, prompt, cached, completion) in rows {
        let tokens = tokens((prompt, cached, completion));
        let price = state.prices.of(model.as_deref());
        let cost = price.cost(tokens);
        cached_savings += price.cache_savings(tokens);
        usage.jobs += n;
        match status {
            JobStatus::Success => usage.succeeded += n,
            JobStatus::Failure => usage.failed += n,
            JobStatus::Cancelled => usage.cancelled += n,
            JobStatus::Pending | JobStatus::Processing => usage.running += n,
        }
        let succeeded = status == JobStatus::Success;
        if succeeded && cache_hit {
            usage.cache_hits += n;
        }
        if succeeded && !cache_hit && kind == JobKind::Generate && model.is_some() {
            usage.generated += n;
        }
        usage.prompt_tokens += tokens.prompt;
        usage.cached_tokens += tokens.cached;
        usage.completion_tokens += tokens.completion;
        usage.cost_usd += cost;
        if let Some(model) = model.filter(|_| tokens != Tokens::default()) {
            let entry = models.entry(model.clone()).or_insert_with(|| v1::ModelUsage { model, ..Default::default() });
            entry.jobs += n;
            entry.prompt_tokens += tokens.prompt;
            entry.cached_tokens += tokens.cached;
            entry.completion_tokens += tokens.completion;
            entry.cost_usd += cost;
        }
    }
    usage.cache_savings_usd = usage.cache_hits as f64 * average.unwrap_or_default() + cached_savings;
    let mut models: Vec<v1::ModelUsage> = models.into_values().collect();
    models.sort_by(|a, b| b.cost_usd.total_cmp(&a.cost_usd).then_with(|| a.model.cmp(&b.model)));
    usage.models = models;
    Ok(usage)
}

/// Every owner's jobs that ended within `req.window` (30 days by default): the top
/// spenders with their budgets, and each day's cost.
pub async fn spending(state: &AppState, req: v1::GetSpendingRequest) -> Result<v1::GetSpendingResponse> {
    let v1::GetSpendingRequest { window, limit } = req;
    let limit = page::limit(limit)? as usize;
    let window = if window.is_empty() { DEFAULT_WINDOW } else { &window };
    let now = Utc::now();
    let first_day = (now - history::length(window)?).date_naive();
    let since = first_day.and_time(chrono::NaiveTime::MIN).and_utc();
    type Row = (String, DateTime<Utc>, bool, Option<String>, i32, i32, i32);
    let rows: Vec<Row> = resume_job::Entity::find()
        .select_only()
        .columns([
            C::Owner,
            C::CompletedAt,
            C::CacheHit,
            C::Model,
            C::PromptTokens,
            C::CachedTokens,
            C::CompletionTokens,
        ])
        .filter(C::CompletedAt.gte(since))
        .into_tuple()
        .all(&state.db)
        .await?;
    let day_count = (now.date_naive() - first_day).num_days() + 1;
    let mut days: Vec<v1::DaySpending> = (0..day_count)
        .map(|i| v1::DaySpending { day: Some(to_timestamp(since + TimeDelta::days(i))), ..Default::default() })
        .collect();
    let mut owners: HashMap<String, v1::OwnerSpending> = HashMap::new();
    let mut total_usd = 0.0;
    for (owner, completed, cache_hit, model, prompt, cached, completion) in rows {
        let tokens = Tokens { prompt: prompt.into(), cached: cached.into(), completion: completion.into() };
        let cost = state.prices.of(model.as_deref()).cost(tokens);
        total_usd += cost;
        let day = usize::try_from((completed - since).num_days()).ok().filter(|i| *i < days.len());
        if let Some(i) = day {
            days[i].jobs += 1;
            days[i].cost_usd += cost;
        }
        let spent = owners.entry(owner.clone()).or_insert_with(|| v1::OwnerSpending {
            owner,
            daily_usd: vec![0.0; days.len()],
            ..Default::default()
        });
        if let Some(i) = day {
            spent.daily_usd[i] += cost;
        }
        spent.jobs += 1;
        spent.cache_hits += i64::from(cache_hit);
        spent.prompt_tokens += tokens.prompt;
        spent.cached_tokens += tokens.cached;
        spent.completion_tokens += tokens.completion;
        spent.cost_usd += cost;
    }
    let mut owners: Vec<v1::OwnerSpending> = owners.into_values().collect();
    owners.sort_by(|a, b| b.cost_usd.total_cmp(&a.cost_usd).then_with(|| a.owner.cmp(&b.owner)));
    owners.truncate(limit);
    let names: Vec<String> = owners.iter().map(|o| o.owner.clone()).collect();
    let mut standings = budget::standings(state, &names).await?;
    for owner in &mut owners {
        owner.budget = standings.remove(&owner.owner).map(|s| s.to_proto());
    }
    Ok(v1::GetSpendingResponse { owners, days, total_usd })
}
