//! The operators' view: readiness, queue depths, live and lost workers, job statistics,
//! any job with its timeline.

use std::{collections::HashSet, time::Duration};

use tokio::sync::{broadcast, mpsc};

use chrono::{DateTime, TimeDelta, Utc};
use resume_proto::{
    job::JobStatus,
    redis::{cache, keys::Queue, registry::LOST_SHOWN},
    v1,
};
use sea_orm::{
    ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
    sea_query::{Expr, ExprTrait},
};

use crate::{
    AppState,
    core::{actions, jobs, validate, view},
    db::{self, candidate, candidate_job, job_event, lost_worker, resume_job},
    error::{Error, Result},
};

/// How many recent successes the average duration is taken over.
const DURATION_SAMPLE: u64 = 1000;

/// The longest a readiness check waits for one backend: `/api/readyz` answers within a
/// second whatever is down.
const CHECK_DEADLINE: Duration = Duration::from_millis(700);

/// Whether the database and Redis answer, how many workers are alive and which queues are
/// paused, all checked at once, each for at most [`CHECK_DEADLINE`]; and whether a model is
/// configured.
pub async fn readiness(state: &AppState) -> v1::GetReadinessResponse {
    let (database, redis, paused) =
        tokio::join!(check(state.db.ping()), check(state.queue.live_workers()), check(actions::paused(state)));
    let redis = redis.map(|workers| workers.len() as i32);
    let shown = |check: &str, result: Result<(), String>| match result {
        Ok(()) => "ok".to_owned(),
        Err(error) => {
            tracing::warn!(%error, "readiness: {check}");
            "unavailable".to_owned()
        }
    };
    let workers = *redis.as_ref().unwrap_or(&0);
    let (database, redis) = (shown("database", database), shown("redis", redis.map(|_| ())));
    v1::GetReadinessResponse {
        ready: database == "ok" && redis == "ok",
        database,
        redis,
        workers,
        paused_queues: paused.unwrap_or_default(),
        model_configured: state.cache.generator != cache::generator(None),
    }
}

/// One readiness check: its answer, or why there is none, within [`CHECK_DEADLINE`].
async fn check<T, E: std::fmt::Display>(work: impl Future<Output = Result<T, E>>) -> Result<T, String> {
    match tokio::time::timeout(CHECK_DEADLINE, work).await {
        Ok(answer) => answer.map_err(|error| error.to_string()),
        Err(_) => Err("no answer in time".to_owned()),
    }
}

/// How many owners each queue shows with their waiting tasks (the most waiting).
const OWNERS_SHOWN: usize = 10;

/// Waiting and running tasks per queue (and per owner waiting), and whether it is paused.
pub async fn queues(state: &AppState) -> Result<Vec<v1::Queue>> {
    let paused = actions::paused(state).await?;
    // The running jobs of every queue in one query.
    let running: Vec<(String, i64)> = resume_job::Entity::find()
        .select_only()
        .column(resume_job::Column::Priority)
        .column_as(Expr::col(resume_job::Column::Id).count(), "running")
        .filter(resume_job::Column::Status.eq(JobStatus::Processing))
        .group_by(resume_job::Column::Priority)
        .into_tuple()
        .all(&state.db)
        .await?;
    let in_progress = |queue: Queue| {
        running.iter().filter(|(priority, _)| *priority == queue.priority().as_str()).map(|(_, n)| n).sum::<i64>()
    };
    let mut queues = Vec::with_capacity(Queue::ALL.len());
    for (queue, pending) in state.queue.depths().await? {
        let name = queue.name().to_owned();
        let paused = paused.contains(&name);
        let waiting_by_owner = state
            .queue
            .waiting_by_owner(queue, OWNERS_SHOWN)
            .await?
            .into_iter()
            .map(|(owner, waiting)| v1::OwnerWaiting { owner, waiting })
            .collect();
        queues.push(v1::Queue { name, pending, in_progress: in_progress(queue), paused, waiting_by_owner });
    }
    Ok(queues)
}

/// Every worker with a live heartbeat, as it last described itself, then every worker
/// found lost within the last hour (and not live again since), most recently lost first.
pub async fn workers(state: &AppState) -> Result<Vec<v1::Worker>> {
    let mut workers: Vec<v1::Worker> = state
        .queue
        .live_workers()
        .await?
        .into_iter()
        .map(|(id, beat)| {
            let v1::WorkerHeartbeat { host, concurrency, active, processed, failed, last_heartbeat } = beat;
            let state = "live".to_owned();
            v1::Worker { id, host, concurrency, active, processed, failed, last_heartbeat, state, ..Default::default() }
        })
        .collect();
    workers.sort_by(|a, b| a.id.cmp(&b.id));
    let shown_since = Utc::now() - TimeDelta::from_std(LOST_SHOWN).unwrap_or(TimeDelta::hours(1));
    let lost = lost_worker::Entity::find()
        .filter(lost_worker::Column::LostAt.gte(shown_since))
        .order_by_desc(lost_worker::Column::Id)
        .all(&state.db)
        .await?;
    let mut seen: HashSet<String> = workers.iter().map(|w| w.id.clone()).collect();
    for row in lost {
        if !seen.insert(row.worker_id.clone()) {
            continue;
        }
        let held_job_ids = row.held_job_ids.split(',').filter(|id| !id.is_empty()).map(str::to_owned).collect();
        workers.push(v1::Worker {
            id: row.worker_id,
            host: row.host,
            concurrency: row.concurrency,
            active: 0,
            processed: row.processed,
            failed: row.failed,
            last_heartbeat: row.last_heartbeat.map(resume_proto::time::to_timestamp),
            state: "lost".to_owned(),
            lost_at: Some(resume_proto::time::to_timestamp(row.lost_at)),
            held_job_ids,
        });
    }
    Ok(workers)
}

/// Totals across every user's jobs.
pub async fn stats(state: &AppState) -> Result<v1::GetStatsResponse> {
    let count_status =
        |status: JobStatus| resume_job::Entity::find().filter(resume_job::Column::Status.eq(status)).count(&state.db);
    let succeeded = count_status(JobStatus::Success).await? as i64;
    let failed = count_status(JobStatus::Failure).await? as i64;
    let cancelled = count_status(JobStatus::Cancelled).await? as i64;
    let cache_hits =
        resume_job::Entity::find().filter(resume_job::Column::CacheHit.eq(true)).count(&state.db).await? as i64;
    let jobs_last_minute = resume_job::Entity::find()
        .filter(resume_job::Column::CreatedAt.gt(Utc::now() - TimeDelta::minutes(1)))
        .count(&state.db)
        .await? as i64;
    // Only the three times are read, not whole rows.
    type Times = (DateTime<Utc>, Option<DateTime<Utc>>, Option<DateTime<Utc>>);
    let recent: Vec<Times> = resume_job::Entity::find()
        .select_only()
        .columns([resume_job::Column::CreatedAt, resume_job::Column::StartedAt, resume_job::Column::CompletedAt])
        .filter(resume_job::Column::Status.eq(JobStatus::Success))
        .order_by_desc(resume_job::Column::Id)
        .limit(DURATION_SAMPLE)
        .into_tuple()
        .all(&state.db)
        .await?;
    let durations: Vec<f64> = recent
        .iter()
        .filter_map(|(created, started, completed)| {
            Some(((*completed)? - started.unwrap_or(*created)).num_microseconds()? as f64 / 1000.0)
        })
        .collect();
    let avg_duration_ms =
        if durations.is_empty() { 0.0 } else { durations.iter().sum::<f64>() / durations.len() as f64 };
    let cache_hit_ratio = if succeeded == 0 { 0.0 } else { cache_hits as f64 / succeeded as f64 };
    Ok(v1::GetStatsResponse {
        succeeded,
        failed,
        cancelled,
        cache_hits,
        cache_hit_ratio,
        jobs_last_minute,
        avg_duration_ms,
        retention_days: state.retention.map_or(0, |keep| keep.num_days() as i32),
    })
}

/// Any user's job `job_id`, with its timeline (oldest first).
pub async fn job(state: &AppState, job_id: &str) -> Result<v1::GetJobDetailResponse> {
    let job_id = validate::job_id(job_id)?;
    let (row, events) = tokio::try_join!(jobs::any(state, &job_id), async {
        let events = job_event::Entity::find()
            .filter(job_event::Column::JobId.eq(job_id.as_str()))
            .order_by_asc(job_event::Column::Id)
            .all(&state.db)
            .await?;
        Ok::<_, Error>(events)
    })?;
    // Submitted is the row's creation, not a row of the timeline's.
    let submitted = v1::JobEvent {
        at: Some(resume_proto::time::to_timestamp(row.created_at)),
        kind: job_event::Kind::Submitted.as_str().to_owned(),
        detail: row.edited_from.as_ref().map(|source| format!("an edit of job {source}")),
        ..Default::default()
    };
    let events = std::iter::once(submitted)
        .chain(events.into_iter().map(|event| v1::JobEvent {
            at: Some(resume_proto::time::to_timestamp(event.at)),
            kind: event.kind,
            worker: event.worker,
            attempt: event.attempt,
            detail: event.detail,
            error_class: event.error_class,
        }))
        .collect();
    // Whom and what it is for, in words (either may have been deleted since; an import has
    // no candidate until it is accepted).
    let (candidate, target) = tokio::try_join!(
        async {
            match row.candidate_id {
                Some(id) => candidate::Entity::find_by_id(id).one(&state.db).await,
                None => Ok(None),
            }
        },
        async {
            match row.job_row_id {
                Some(id) => candidate_job::Entity::find_by_id(id).one(&state.db).await,
                None => Ok(None),
            }
        },
    )?;
    let (target_title, target_company) = target.map_or((None, None), |t| (Some(t.title), t.company));
    Ok(v1::GetJobDetailResponse {
        job: Some(view::to_admin(row)),
        events,
        candidate_name: candidate.map(|c| c.full_name),
        target_title,
        target_company,
    })
}

/// The window an error group query covers by default.
const ERROR_WINDOW: TimeDelta = TimeDelta::days(30);

/// The most groups one answer lists.
const MAX_GROUPS: u64 = 200;

/// Failures and retried attempts between `since` and `until` (the last 30 days up to now
/// by default), grouped by class and normalised message, largest first.
pub async fn error_groups(state: &AppState, req: v1::ListErrorGroupsRequest) -> Result<Vec<v1::ErrorGroup>> {
    let until = validate::time("until", req.until)?.unwrap_or_else(Utc::now);
    let since = validate::time("since", req.since)?.unwrap_or(until - ERROR_WINDOW);
    // A window that ends before it starts holds nothing.
    if since > until {
        return Ok(Vec::new());
    }
    type Group = (String, String, i64, i64, DateTime<Utc>, DateTime<Utc>, String);
    let rows: Vec<Group> = job_event::Entity::find()
        .select_only()
        .column(job_event::Column::ErrorClass)
        .column(job_event::Column::ErrorKey)
        .column_as(Expr::col(job_event::Column::Id).count(), "count")
        .column_as(Expr::cust("COUNT(DISTINCT job_id)"), "jobs")
        .column_as(Expr::col(job_event::Column::At).min(), "first_seen")
        .column_as(Expr::col(job_event::Column::At).max(), "last_seen")
        .column_as(Expr::col(job_event::Column::JobId).max(), "sample_job_id")
        .filter(job_event::Column::ErrorClass.is_not_null())
        .filter(job_event::Column::ErrorKey.is_not_null())
        .filter(job_event::Column::At.between(since, until))
        .group_by(job_event::Column::ErrorClass)
        .group_by(job_event::Column::ErrorKey)
        .order_by_desc(Expr::col(job_event::Column::Id).count())
        .limit(MAX_GROUPS)
        .into_tuple()
        .all(&state.db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|(class, message, count, jobs, first_seen, last_seen, sample_job_id)| v1::ErrorGroup {
            id: db::errors::group_id(&class, &message),
            class,
            message,
            count,
            jobs,
            first_seen: Some(resume_proto::time::to_timestamp(first_seen)),
            last_seen: Some(resume_proto::time::to_timestamp(last_seen)),
            sample_job_id,
        })
        .collect())
}

/// How often a live stream looks for changed queues and workers.
const WATCH_EVERY: Duration = Duration::from_secs(1);

/// The operators' live stream into `out` until it closes: the queues and workers as they
/// are now, then every job transition as it happens and the queues and workers whenever
/// they change (looked at every second). A stream that falls behind skips transitions
/// (the console re-reads what it shows).
pub async fn watch(state: &AppState, out: mpsc::Sender<Result<v1::WatchEventsResponse>>) {
    use v1::watch_events_response::Event as Change;
    let mut jobs = state.events.watch_all();
    let (mut shown_queues, mut shown_workers) = (None, None);
    let mut tick = tokio::time::interval(WATCH_EVERY);
    loop {
        let changes = tokio::select! {
            _ = tick.tick() => {
                let (queues, workers) = match tokio::try_join!(queues(state), workers(state)) {
                    Ok(both) => both,
                    Err(error) => {
                        let _ = out.send(Err(error)).await;
                        return;
                    }
                };
                // Heartbeat times change every beat: a worker list differs when its
                // members, states or counters do.
                let key: Vec<_> = workers.iter().map(|w| (w.id.clone(), w.state.clone(), w.active, w.processed, w.failed)).collect();
                let mut changes = Vec::new();
                if shown_queues.as_ref() != Some(&queues) {
                    shown_queues = Some(queues.clone());
                    changes.push(Change::Queues(v1::ListQueuesResponse { queues }));
                }
                if shown_workers.as_ref() != Some(&key) {
                    shown_workers = Some(key);
                    changes.push(Change::Workers(v1::ListWorkersResponse { workers }));
                }
                changes
            }
            job = jobs.recv() => match job {
                Ok(job) => vec![Change::Job(job)],
                Err(broadcast::error::RecvError::Lagged(missed)) => {
                    tracing::warn!(missed, "an operators' stream fell behind; some transitions skipped");
                    continue;
                }
                Err(broadcast::error::RecvError::Closed) => return,
            },
            () = out.closed() => return,
        };
        for event in changes {
            if out.send(Ok(v1::WatchEventsResponse { event: Some(event) })).await.is_err() {
                return;
            }
        }
    }
}
