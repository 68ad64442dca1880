//! Following a batch: its owner's stream of the batch, from now until every item has
//! ended. The first message has every item; each later one the counts and the items that
//! changed since the one before. Changes arrive as the job events every server publishes
//! (`events`), whichever server recorded them; the counts are read again from the jobs on
//! each, so they are never out of step with the database.

use std::{collections::HashMap, time::Duration};

use resume_proto::v1;
use tokio::sync::{broadcast::error::RecvError, mpsc};

use crate::{
    AppState,
    core::batches,
    error::{Error, Result},
};

/// How long a watcher waits for an event before reading the batch again, in case an event
/// was lost (a Redis reconnect).
const WATCH_RECHECK: Duration = Duration::from_secs(5);

/// Sends `owner`'s batch into `out` now and after every change, until every item has
/// ended or the receiver goes away; a failure is sent as the last item.
pub async fn watch(state: &AppState, owner: &str, batch_id: &str, out: mpsc::Sender<Result<v1::Batch>>) {
    if let Err(error) = follow(state, owner, batch_id, &out).await {
        let _ = out.send(Err(error)).await;
    }
}

async fn follow(state: &AppState, owner: &str, batch_id: &str, out: &mpsc::Sender<Result<v1::Batch>>) -> Result<()> {
    // Register first, read second: a change in between arrives as an event.
    let mut events = state.events.watch_all();
    let mut last = batches::get(state, owner, batch_id).await?;
    let batch_id = last.batch_id.clone();
    // Each item's candidate, by job id, to show the items that change.
    let candidates: HashMap<String, (i64, String)> = last
        .items
        .iter()
        .filter_map(|item| Some((item.job.as_ref()?.job_id.clone(), (item.candidate_id, item.candidate_name.clone()))))
        .collect();
    let mut counts = last.counts.unwrap_or_default();
    if out.send(Ok(last.clone())).await.is_err() {
        return Ok(());
    }
    last.items.clear();
    while !batches::has_ended(&counts) {
        let mut changed: HashMap<String, v1::Job> = HashMap::new();
        match tokio::time::timeout(WATCH_RECHECK, events.recv()).await {
            Ok(Ok(change)) => take(&mut changed, change, &batch_id),
            Ok(Err(RecvError::Lagged(_))) | Err(_) => {
                // Events were missed (or none came for a while): the whole batch again.
                let now = batches::get(state, owner, &batch_id).await?;
                counts = now.counts.unwrap_or_default();
                if out.send(Ok(now)).await.is_err() {
                    return Ok(());
                }
                continue;
            }
            Ok(Err(RecvError::Closed)) => return Err(Error::Unavailable("job events stopped".into())),
        }
        // What else has arrived goes into the same message.
        while let Ok(change) = events.try_recv() {
            take(&mut changed, change, &batch_id);
        }
        if changed.is_empty() {
            continue;
        }
        counts = batches::counts(state, &batch_id).await?;
        let items = changed
            .into_values()
            .map(|job| {
                let (candidate_id, candidate_name) = candidates.get(&job.job_id).cloned().unwrap_or_default();
                v1::BatchItem { candidate_id, candidate_name, job: Some(job) }
            })
            .collect();
        let message = v1::Batch { total: batches::total(&counts), counts: Some(counts), items, ..last.clone() };
        if out.send(Ok(message)).await.is_err() {
            return Ok(());
        }
    }
    Ok(())
}

/// Keeps `change`'s job if it is an item of batch `batch_id` (the latest of each job).
fn take(changed: &mut HashMap<String, v1::Job>, change: v1::AdminJob, batch_id: &str) {
    if let Some(job) = change.job.filter(|job| job.batch_id.as_deref() == Some(batch_id)) {
        changed.insert(job.job_id.clone(), job);
    }
}
