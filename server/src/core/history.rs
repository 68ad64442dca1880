//! The console's history: every user's jobs over a window (up to 30 days) in buckets of
//! time, computed from the database, so that every server answers the same and nothing
//! is lost when one restarts. Jobs count where they were submitted and where they ended;
//! wait and run times are percentiles of the jobs that ran (not those answered at
//! submit); cost is their tokens at the price of the model that ran each.

use chrono::{DateTime, TimeDelta, Utc};
use resume_proto::{job::JobStatus, time::to_timestamp, v1};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QuerySelect};

use crate::{
    AppState,
    config::Tokens,
    db::resume_job,
    error::{Error, Result},
};

/// The shortest bucket.
const MIN_BUCKET: i64 = 60;
/// The most buckets one answer holds.
const MAX_BUCKETS: i64 = 2000;

/// The length of window `name` (`1h`, `24h`, `7d` or `30d`), or INVALID_ARGUMENT naming
/// the field.
pub(crate) fn length(name: &str) -> Result<TimeDelta> {
    Ok(match name {
        "1h" => TimeDelta::hours(1),
        "24h" => TimeDelta::hours(24),
        "7d" => TimeDelta::days(7),
        "30d" => TimeDelta::days(30),
        _ => return Err(Error::InvalidArgument("window must be \"1h\", \"24h\", \"7d\" or \"30d\"".into())),
    })
}

/// A window's length (24 hours when unnamed) and the bucket it has when the request names
/// none.
fn window(name: &str) -> Result<(TimeDelta, i64)> {
    let length = length(if name.is_empty() { "24h" } else { name })?;
    let bucket = match length.num_hours() {
        1 => 60,
        24 => 900,
        168 => 3600,
        _ => 14_400,
    };
    Ok((length, bucket))
}

/// The value at quantile `q` of `sorted` (nearest rank); `None` when it is empty.
fn quantile(sorted: &[f64], q: f64) -> Option<f64> {
    let rank = ((q * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len().max(1));
    sorted.get(rank - 1).copied()
}

fn millis(delta: TimeDelta) -> f64 {
    delta.num_microseconds().unwrap_or(i64::MAX) as f64 / 1000.0
}

/// One bucket as it is filled.
#[derive(Default)]
struct Tally {
    bucket: v1::HistoryBucket,
    waits: Vec<f64>,
    runs: Vec<f64>,
}

type Ended = (JobStatus, bool, DateTime<Utc>, Option<DateTime<Utc>>, DateTime<Utc>, i32, i32, i32, Option<String>);

/// The buckets of `req.window` up to now, oldest first, and the average cost of a resume
/// the model made in it.
pub async fn history(state: &AppState, req: v1::GetHistoryRequest) -> Result<v1::GetHistoryResponse> {
    let (length, default_bucket) = window(&req.window)?;
    let bucket = req.bucket.unwrap_or(default_bucket);
    let least = Ord::max(MIN_BUCKET, (length.num_seconds() + MAX_BUCKETS - 1) / MAX_BUCKETS);
    if bucket < least {
        return Err(Error::InvalidArgument(format!("bucket must be at least {least} seconds for this window")));
    }
    let now = Utc::now();
    let first = (now - length).timestamp().div_euclid(bucket) * bucket;
    let start = DateTime::from_timestamp(first, 0).unwrap_or(now - length);
    let count = (now.timestamp() - first) / bucket + 1;
    let mut tallies: Vec<Tally> = (0..count)
        .map(|i| Tally {
            bucket: v1::HistoryBucket {
                start: Some(to_timestamp(start + TimeDelta::seconds(i * bucket))),
                ..Default::default()
            },
            ..Tally::default()
        })
        .collect();
    let slot = |at: DateTime<Utc>| -> Option<usize> {
        let i = (at.timestamp() - first).div_euclid(bucket);
        usize::try_from(i).ok().filter(|i| *i < tallies.len())
    };
    let slots: Vec<Option<usize>> = resume_job::Entity::find()
        .select_only()
        .column(resume_job::Column::CreatedAt)
        .filter(resume_job::Column::CreatedAt.gte(start))
        .into_tuple::<DateTime<Utc>>()
        .all(&state.db)
        .await?
        .into_iter()
        .map(slot)
        .collect();
    let ended: Vec<Ended> = resume_job::Entity::find()
        .select_only()
        .columns([
            resume_job::Column::Status,
            resume_job::Column::CacheHit,
            resume_job::Column::CreatedAt,
            resume_job::Column::StartedAt,
            resume_job::Column::CompletedAt,
            resume_job::Column::PromptTokens,
            resume_job::Column::CachedTokens,
            resume_job::Column::CompletionTokens,
            resume_job::Column::Model,
        ])
        .filter(resume_job::Column::CompletedAt.gte(start))
        .into_tuple()
        .all(&state.db)
        .await?;
    let ended: Vec<(Option<usize>, Ended)> = ended.into_iter().map(|row| (slot(row.4), row)).collect();
    for i in slots.into_iter().flatten() {
        tallies[i].bucket.submitted += 1;
    }
    let (mut generated, mut generated_cost) = (0u64, 0.0);
    for (i, (status, cache_hit, created, started, completed, prompt, cached, completion, model)) in ended {
        let Some(tally) = i.and_then(|i| tallies.get_mut(i)) else { continue };
        let b = &mut tally.bucket;
        let tokens = Tokens { prompt: prompt.into(), cached: cached.into(), completion: completion.into() };
        let cost = state.prices.of(model.as_deref()).cost(tokens);
        b.prompt_tokens += tokens.prompt;
        b.cached_tokens += tokens.cached;
        b.completion_tokens += tokens.completion;
        b.cost_usd += cost;
        let succeeded = status == JobStatus::Success;
        match status {
            JobStatus::Success => b.succeeded += 1,
            JobStatus::Failure => b.failed += 1,
            JobStatus::Cancelled => b.cancelled += 1,
            JobStatus::Pending | JobStatus::Processing => {}
        }
        if succeeded && cache_hit {
            b.cache_hits += 1;
        }
        if succeeded && !cache_hit && prompt > 0 {
            generated += 1;
            generated_cost += cost;
        }
        // A job answered at submit neither waited nor ran; one never claimed has no times.
        let answered_at_submit = cache_hit && started == Some(created);
        if let (false, Some(started)) = (answered_at_submit, started) {
            tally.waits.push(millis(started - created));
            if succeeded {
                tally.runs.push(millis(completed - started));
            }
        }
    }
    let buckets = tallies
        .into_iter()
        .map(|Tally { mut bucket, mut waits, mut runs }| {
            waits.sort_by(f64::total_cmp);
            runs.sort_by(f64::total_cmp);
            bucket.wait_p50_ms = quantile(&waits, 0.50);
            bucket.wait_p95_ms = quantile(&waits, 0.95);
            bucket.run_p50_ms = quantile(&runs, 0.50);
            bucket.run_p95_ms = quantile(&runs, 0.95);
            bucket.run_p99_ms = quantile(&runs, 0.99);
            bucket
        })
        .collect();
    let cost_per_generated_usd = if generated == 0 { 0.0 } else { generated_cost / generated as f64 };
    Ok(v1::GetHistoryResponse { buckets, cost_per_generated_usd })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_are_nearest_rank() {
        let values: Vec<f64> = (1..=100).map(f64::from).collect();
        assert_eq!(quantile(&values, 0.5), Some(50.0));
        assert_eq!(quantile(&values, 0.95), Some(95.0));
        assert_eq!(quantile(&values, 0.99), Some(99.0));
        assert_eq!(quantile(&[7.0], 0.99), Some(7.0));
        assert_eq!(quantile(&[], 0.5), None);
    }

    #[test]
    fn windows_are_named_and_have_a_bucket() {
        assert_eq!(window("1h").unwrap(), (TimeDelta::hours(1), 60));
        assert_eq!(window("").unwrap(), (TimeDelta::hours(24), 900));
        assert_eq!(window("7d").unwrap().1, 3600);
        assert_eq!(window("30d").unwrap(), (TimeDelta::days(30), 14_400));
        assert!(window("2h").unwrap_err().to_string().starts_with("window must be"));
    }
}
