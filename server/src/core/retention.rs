//! Retention: timeline entries, lost-worker records, and finished jobs' files and contents
//! older than `RETENTION_DAYS` are deleted by a background task, one server at a time
//! (a lock in Redis, released after each sweep), at start and then every hour, a batch at a time so that no delete
//! holds the database for long. Documents no job refers to any more go with them (also
//! those a failed cleanup left behind). Imports never accepted go whole (their uploaded
//! file with them); other job rows and the audit log are kept.

use std::{future::Future, sync::Arc, time::Duration};

use chrono::{DateTime, TimeDelta, Utc};
use resume_proto::job::JobKind;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, sea_query::Query};

use crate::{
    AppState,
    db::{job_event, lost_worker, resume_content, resume_document, resume_file, resume_job},
    error::Result,
};

/// How often each server tries to sweep.
const SWEEP_EVERY: Duration = Duration::from_secs(3600);
/// The longest a sweep may hold the lock (if its server dies meanwhile).
const LOCK_HOLD: Duration = Duration::from_secs(600);
/// Rows deleted per statement (the documents go in one).
const BATCH: u64 = 1000;
/// A document no job refers to is deleted once it is this old (one being stored with its
/// reference is never seen without it: both are in one transaction).
const ORPHAN_AGE: TimeDelta = TimeDelta::hours(1);

/// What one sweep deleted.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Swept {
    pub events: u64,
    pub files: u64,
    pub documents: u64,
    pub lost_workers: u64,
    pub imports: u64,
}

/// Sweeps now and every [`SWEEP_EVERY`] until `stop` completes; nothing with
/// `RETENTION_DAYS=0` (keep everything).
pub async fn run(state: Arc<AppState>, stop: impl Future<Output = ()>) {
    let Some(keep) = state.retention else { return };
    tokio::pin!(stop);
    loop {
        match state.queue.lock_retention(LOCK_HOLD).await {
            Ok(true) => {
                match sweep(&state, Utc::now() - keep).await {
                    Ok(swept) if swept != Swept::default() => tracing::info!(?swept, "retention: old data deleted"),
                    Ok(_) => {}
                    Err(error) => tracing::warn!(%error, "retention: sweep failed; trying again later"),
                }
                if let Err(error) = state.queue.unlock_retention().await {
                    tracing::warn!(%error, "retention: could not release the lock (it expires)");
                }
            }
            Ok(false) => {}
            Err(error) => tracing::warn!(%error, "retention: could not take the lock"),
        }
        tokio::select! {
            () = tokio::time::sleep(SWEEP_EVERY) => {}
            () = &mut stop => return,
        }
    }
}

/// Deletes what is older than `cutoff`.
pub async fn sweep(state: &AppState, cutoff: DateTime<Utc>) -> Result<Swept> {
    let mut swept = Swept::default();
    // Entries are appended in time order: the old ones are the lowest ids.
    loop {
        let old: Vec<i64> = job_event::Entity::find()
            .select_only()
            .column(job_event::Column::Id)
            .filter(job_event::Column::At.lt(cutoff))
            .order_by_asc(job_event::Column::Id)
            .limit(BATCH)
            .into_tuple()
            .all(&state.db)
            .await?;
        let deleted = job_event::Entity::delete_many().filter(job_event::Column::Id.is_in(old)).exec(&state.db).await?;
        swept.events += deleted.rows_affected;
        if deleted.rows_affected < BATCH {
            break;
        }
    }
    loop {
        let ended = Query::select()
            .column(resume_job::Column::Id)
            .from(resume_job::Entity)
            .and_where(resume_job::Column::CompletedAt.lt(cutoff))
            .to_owned();
        let jobs: Vec<String> = resume_file::Entity::find()
            .select_only()
            .column(resume_file::Column::JobId)
            .filter(resume_file::Column::JobId.in_subquery(ended))
            .limit(BATCH)
            .into_tuple()
            .all(&state.db)
            .await?;
        if jobs.is_empty() {
            break;
        }
        let deleted = resume_file::Entity::delete_many()
            .filter(resume_file::Column::JobId.is_in(jobs.clone()))
            .exec(&state.db)
            .await?;
        resume_content::Entity::delete_many().filter(resume_content::Column::JobId.is_in(jobs)).exec(&state.db).await?;
        swept.files += deleted.rows_affected;
    }
    // The documents no job refers to any more: those of the files just deleted (unless a
    // younger job returns the same bytes), and any a failed cleanup left.
    let referenced = Query::select().column(resume_file::Column::DocumentHash).from(resume_file::Entity).to_owned();
    let orphans = resume_document::Entity::delete_many()
        .filter(resume_document::Column::Hash.not_in_subquery(referenced))
        .filter(resume_document::Column::CreatedAt.lt(Utc::now() - ORPHAN_AGE))
        .exec(&state.db)
        .await?;
    swept.documents = orphans.rows_affected;
    let lost =
        lost_worker::Entity::delete_many().filter(lost_worker::Column::LostAt.lt(cutoff)).exec(&state.db).await?;
    swept.lost_workers = lost.rows_affected;
    // An import's file is kept until its draft is accepted, and no longer than this (its
    // row, draft and timeline go with its job).
    let unaccepted = resume_job::Entity::delete_many()
        .filter(resume_job::Column::Kind.eq(JobKind::Import))
        .filter(resume_job::Column::CandidateId.is_null())
        .filter(resume_job::Column::CreatedAt.lt(cutoff))
        .exec(&state.db)
        .await?;
    swept.imports = unaccepted.rows_affected;
    Ok(swept)
}
