//! Following a batch: its owner's stream of the batch, from now until every item has
//! ended. The first message has every item; each later one the counts and the items that
//! changed since the one before; the last, once the counts say every item has ended, every
//! item again as it ended (an item whose end the counts show before its event arrived here
//! is never left as it was last sent), with its fit and what the batch cost. Changes arrive
//! as the job events every server publishes (`events`), whichever server recorded them; the
//! counts are read again from the jobs on each, so they are never out of step with the
//! database.

use std::{collections::HashMap, time::Duration};

use resume_proto::{job::JobStatus, v1};
use tokio::sync::{broadcast::error::RecvError, mpsc};

use crate::{
    AppState,
    core::{batches, fit, jobs, watch},
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
    // Each item's candidate and its job as last sent, by job id: only what moves an item
    // forward is sent (events may arrive twice, late, or from two servers out of order).
    let mut shown: HashMap<String, v1::BatchItem> =
        last.items.iter().filter_map(|item| Some((item.job.as_ref()?.job_id.clone(), item.clone()))).collect();
    let mut counts = last.counts.unwrap_or_default();
    if out.send(Ok(last.clone())).await.is_err() {
        return Ok(());
    }
    last.items.clear();
    while !batches::has_ended(&counts) {
        let mut changed: HashMap<String, v1::Job> = HashMap::new();
        match tokio::time::timeout(WATCH_RECHECK, events.recv()).await {
            Ok(Ok(change)) => take(&mut changed, change, &batch_id, &shown),
            Ok(Err(RecvError::Lagged(_))) | Err(_) => {
                // Events were missed (or none came for a while): the whole batch again.
                let now = batches::get(state, owner, &batch_id).await?;
                counts = now.counts.unwrap_or_default();
                for now in &now.items {
                    if let Some(item) = now.job.as_ref().and_then(|job| shown.get_mut(&job.job_id)) {
                        item.clone_from(now);
                    }
                }
                if out.send(Ok(now)).await.is_err() {
                    return Ok(());
                }
                continue;
            }
            Ok(Err(RecvError::Closed)) => return Err(Error::Unavailable("job events stopped".into())),
        }
        // What else has arrived goes into the same message.
        while let Ok(change) = events.try_recv() {
            take(&mut changed, change, &batch_id, &shown);
        }
        if changed.is_empty() {
            continue;
        }
        counts = batches::counts(state, &batch_id).await?;
        if batches::has_ended(&counts) {
            let _ = out.send(Ok(batches::get(state, owner, &batch_id).await?)).await;
            return Ok(());
        }
        let mut items = Vec::with_capacity(changed.len());
        for job in changed.into_values() {
            let Some(item) = shown.get_mut(&job.job_id) else { continue };
            item.fit = fit_of(state, owner, &job).await?;
            item.job = Some(job);
            items.push(item.clone());
        }
        let message = v1::Batch { total: batches::total(&counts), counts: Some(counts), items, ..last.clone() };
        if out.send(Ok(message)).await.is_err() {
            return Ok(());
        }
    }
    Ok(())
}

/// Item `job`'s fit to its posting once it has succeeded (a retried item's again, with its
/// new content); `None` before, and for a job deleted meanwhile (its candidate's deletion).
async fn fit_of(state: &AppState, owner: &str, job: &v1::Job) -> Result<Option<i32>> {
    if job.status != JobStatus::Success.as_str() {
        return Ok(None);
    }
    match jobs::find(state, owner, &job.job_id).await {
        Ok(row) => fit::score_of(state, &row).await,
        Err(Error::NotFound(_)) => Ok(None),
        Err(error) => Err(error),
    }
}

/// Keeps `change`'s job if it is an item of batch `batch_id` that it moves forward from
/// what was last sent (or kept) of it.
fn take(
    changed: &mut HashMap<String, v1::Job>,
    change: v1::AdminJob,
    batch_id: &str,
    shown: &HashMap<String, v1::BatchItem>,
) {
    let Some(job) = change.job.filter(|job| job.batch_id.as_deref() == Some(batch_id)) else { return };
    let Some(sent) = shown.get(&job.job_id).and_then(|item| item.job.as_ref()) else { return };
    let last = changed.get(&job.job_id).unwrap_or(sent);
    // A job's PENDING is only ever announced by a retry (a new run), which follows its end.
    let retried = job.status == JobStatus::Pending.as_str() && last.status != JobStatus::Pending.as_str();
    if retried || watch::is_newer(&job, last) {
        changed.insert(job.job_id.clone(), job);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn change(status: JobStatus, progress: i32) -> v1::AdminJob {
        let job = v1::Job {
            job_id: "j".into(),
            batch_id: Some("b".into()),
            status: status.to_string(),
            progress,
            ..Default::default()
        };
        v1::AdminJob { job: Some(job), ..Default::default() }
    }

    fn shown(status: JobStatus, progress: i32) -> HashMap<String, v1::BatchItem> {
        let item = v1::BatchItem { job: change(status, progress).job, ..Default::default() };
        HashMap::from([("j".to_owned(), item)])
    }

    fn taken(sent: (JobStatus, i32), events: &[(JobStatus, i32)]) -> Option<(String, i32)> {
        let mut changed = HashMap::new();
        for &(status, progress) in events {
            take(&mut changed, change(status, progress), "b", &shown(sent.0, sent.1));
        }
        changed.remove("j").map(|job| (job.status, job.progress))
    }

    #[test]
    fn only_what_moves_an_item_forward_is_sent() {
        use JobStatus::*;
        assert_eq!(taken((Processing, 10), &[(Processing, 50)]), Some(("PROCESSING".into(), 50)));
        assert_eq!(taken((Processing, 50), &[(Processing, 10)]), None, "late");
        assert_eq!(taken((Processing, 10), &[(Success, 100), (Processing, 90)]), Some(("SUCCESS".into(), 100)));
        assert_eq!(taken((Success, 100), &[(Processing, 90)]), None, "an ended item stays ended");
        assert_eq!(taken((Failure, 10), &[(Pending, 0)]), Some(("PENDING".into(), 0)), "but for a retry");
        let mut changed = HashMap::new();
        take(&mut changed, change(Processing, 50), "another batch", &shown(Processing, 10));
        assert!(changed.is_empty(), "another batch's job is not this one's");
    }
}
