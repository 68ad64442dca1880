//! Recovery from a Redis that lost its data (restarted without persistence, or failed
//! over to an empty replica): the database holds the truth, so every job it has as
//! PENDING or PROCESSING whose task Redis no longer holds is queued again.
//!
//! Loss is noticed by a marker key that any server writes once it has checked: when the
//! marker is gone, so is everything else. One server at a time recovers (a lock with an
//! expiry: if it fails or dies meanwhile, another tries once the lock expires); tasks
//! already back in Redis (pushed since the loss, or by an earlier interrupted recovery)
//! are left alone, so no job runs twice.

use std::{collections::HashSet, future::Future, sync::Arc, time::Duration};

use resume_proto::job::JobStatus;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};

use crate::{
    AppState,
    core::{
        actions, jobs,
        lifecycle::{self, Move},
    },
    db::{
        job_event::Kind,
        resume_job,
        writer::{Event, Kept},
    },
    error::Result,
};

/// How often each server checks that Redis still holds its data.
const CHECK_EVERY: Duration = Duration::from_secs(2);

/// Checks Redis now and every [`CHECK_EVERY`] until `stop` completes, and copies the
/// paused queues into it each time (a pause outlives a Redis that lost its data).
pub async fn watch_redis(state: Arc<AppState>, stop: impl Future<Output = ()>) {
    tokio::pin!(stop);
    loop {
        // Pauses first: a task queued again must not be taken from a paused queue.
        if let Err(error) = actions::copy_pauses(&state).await {
            tracing::warn!(%error, "could not copy the paused queues to Redis");
        }
        match recover(&state).await {
            Ok(0) => {}
            Ok(requeued) => tracing::warn!(requeued, "Redis had lost its data; running jobs were queued again"),
            Err(error) => tracing::warn!(%error, "could not check Redis for lost tasks"),
        }
        tokio::select! {
            () = tokio::time::sleep(CHECK_EVERY) => {}
            () = &mut stop => return,
        }
    }
}

/// Queues again the running jobs whose tasks Redis lost; how many there were.
async fn recover(state: &AppState) -> Result<usize> {
    if state.queue.is_intact().await? || !state.queue.lock_recovery().await? {
        return Ok(0);
    }
    let running = resume_job::Entity::find()
        .filter(resume_job::Column::Status.is_in(JobStatus::RUNNING))
        .order_by_asc(resume_job::Column::Id)
        .all(&state.db)
        .await?;
    let present: HashSet<String> = state.queue.job_ids().await?;
    let mut requeued = 0;
    for row in running.into_iter().filter(|row| !present.contains(&row.id)) {
        let work = jobs::work_of(state, &row).await?;
        let queue = row.queue();
        state.queue.push(&row, work).await?;
        let requeued_event = Kept::events([Event::new(Kind::Requeued).detail(queue.name())]);
        lifecycle::transition(state, Move::Note, resume_job::Column::Id.eq(row.id.as_str()), requeued_event).await?;
        tracing::info!(job_id = %row.id, "job queued again after Redis lost its task");
        requeued += 1;
    }
    state.queue.mark_intact().await?;
    state.metrics.requeued_after_data_loss(requeued);
    Ok(requeued)
}
