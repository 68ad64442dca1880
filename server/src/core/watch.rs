//! Following a job: its owner's stream of the job's states, from now until it ends.

use std::time::Duration;

use resume_proto::{job::JobStatus, v1};
use tokio::sync::{broadcast::error::RecvError, mpsc};

use crate::{
    AppState,
    core::{jobs, validate, view},
    error::{Error, Result},
};

/// How long a watcher waits for an event before re-reading the row, in case an event
/// was lost (a Redis reconnect).
const WATCH_RECHECK: Duration = Duration::from_secs(5);

/// Sends `owner`'s job into `out` now and after every change, until it ends or the
/// receiver goes away; a failure is sent as the last item.
pub async fn watch(state: &AppState, owner: &str, job_id: &str, out: mpsc::Sender<Result<v1::Job>>) {
    if let Err(error) = follow(state, owner, job_id, &out).await {
        let _ = out.send(Err(error)).await;
    }
}

async fn follow(state: &AppState, owner: &str, job_id: &str, out: &mpsc::Sender<Result<v1::Job>>) -> Result<()> {
    let job_id = validate::job_id(job_id)?;
    // Register first, read second: a change in between arrives as an event.
    let mut watch = state.events.watch(&job_id);
    let mut last = view::to_proto(jobs::find(state, owner, &job_id).await?);
    if out.send(Ok(last.clone())).await.is_err() {
        return Ok(());
    }
    while !is_terminal(&last) {
        let next = match tokio::time::timeout(WATCH_RECHECK, watch.receiver.recv()).await {
            Ok(Ok(job)) => job,
            Ok(Err(RecvError::Lagged(_))) | Err(_) => view::to_proto(jobs::find(state, owner, &job_id).await?),
            Ok(Err(RecvError::Closed)) => {
                return Err(Error::Unavailable("job events stopped".into()));
            }
        };
        if is_newer(&next, &last) {
            if out.send(Ok(next.clone())).await.is_err() {
                return Ok(());
            }
            last = next;
        }
    }
    Ok(())
}

fn is_terminal(job: &v1::Job) -> bool {
    job.status.parse::<JobStatus>().is_ok_and(JobStatus::is_terminal)
}

/// Whether `next` moves the job on from `last` (events may arrive twice or late).
fn is_newer(next: &v1::Job, last: &v1::Job) -> bool {
    if is_terminal(last) {
        return false;
    }
    next.status != last.status && (is_terminal(next) || next.status == JobStatus::Processing.as_str())
        || next.progress > last.progress
        || next.attempts > last.attempts
}

#[cfg(test)]
mod tests {
    use super::*;

    fn job(status: JobStatus, progress: i32) -> v1::Job {
        v1::Job { status: status.to_string(), progress, ..Default::default() }
    }

    #[test]
    fn only_forward_moves_are_sent() {
        use JobStatus::*;
        assert!(is_newer(&job(Processing, 10), &job(Pending, 0)));
        assert!(is_newer(&job(Processing, 30), &job(Processing, 10)));
        assert!(!is_newer(&job(Processing, 10), &job(Processing, 30)));
        assert!(!is_newer(&job(Processing, 10), &job(Processing, 10)));
        assert!(is_newer(&job(Success, 100), &job(Processing, 90)));
        assert!(is_newer(&job(Cancelled, 30), &job(Processing, 30)));
        assert!(!is_newer(&job(Processing, 50), &job(Cancelled, 30)));
        assert!(!is_newer(&job(Pending, 0), &job(Processing, 10)));
    }
}
