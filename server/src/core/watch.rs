//! Following a job: its owner's stream of the job's states (or, for an import, the
//! import's), from now until it ends.

use std::time::Duration;

use resume_proto::{job::JobStatus, v1};
use tokio::sync::{broadcast::error::RecvError, mpsc};

use crate::{
    AppState,
    core::{imports, jobs, validate, view},
    error::{Error, Result},
    events::Watch,
};

/// How long a watcher waits for an event before re-reading the row, in case an event
/// was lost (a Redis reconnect).
const WATCH_RECHECK: Duration = Duration::from_secs(5);

/// `owner`'s job `job_id` followed: NOT_FOUND (before any stream) for a job the caller
/// cannot see.
pub async fn job(state: &AppState, owner: &str, job_id: &str) -> Result<Following<v1::Job>> {
    Following::begin(state, owner, job_id).await
}

/// The same for `owner`'s import `id`, sent as the Import (with its draft once read).
pub async fn import(state: &AppState, owner: &str, id: &str) -> Result<Following<v1::Import>> {
    Following::begin(state, owner, id).await
}

/// A job being followed: registered for its events, then read once (that read is both the
/// check that the caller may see it and the first state sent; a change in between arrives
/// as an event).
pub struct Following<T> {
    owner: String,
    job_id: String,
    watch: Watch,
    /// The job's state that `first` shows.
    last: v1::Job,
    first: T,
}

impl<T: Shown> Following<T> {
    async fn begin(state: &AppState, owner: &str, job_id: &str) -> Result<Following<T>> {
        let job_id = validate::job_id(job_id)?;
        // Register first, read second.
        let watch = state.events.watch(&job_id);
        let (first, last) = T::find(state, owner, &job_id).await?;
        Ok(Following { owner: owner.to_owned(), job_id, watch, last, first })
    }

    /// Sends the state read at the start into `out`, then each forward change until the
    /// job ends or the receiver goes away; a failure is sent as the last item.
    pub async fn send_to(self, state: &AppState, out: mpsc::Sender<Result<T>>) {
        if let Err(error) = self.forward(state, &out).await {
            let _ = out.send(Err(error)).await;
        }
    }

    async fn forward(self, state: &AppState, out: &mpsc::Sender<Result<T>>) -> Result<()> {
        let Following { owner, job_id, mut watch, mut last, first } = self;
        if out.send(Ok(first)).await.is_err() {
            return Ok(());
        }
        while !is_terminal(&last) {
            let next = match tokio::time::timeout(WATCH_RECHECK, watch.receiver.recv()).await {
                Ok(Ok(job)) => job,
                Ok(Err(RecvError::Lagged(_))) | Err(_) => T::find(state, &owner, &job_id).await?.1,
                Ok(Err(RecvError::Closed)) => {
                    return Err(Error::Unavailable("job events stopped".into()));
                }
            };
            if is_newer(&next, &last) {
                // What is shown may be further on than `next` (an import is read anew):
                // what comes after is measured against what was sent.
                let (shown, now) = T::show(state, &owner, next).await?;
                if out.send(Ok(shown)).await.is_err() {
                    return Ok(());
                }
                last = now;
            }
        }
        Ok(())
    }
}

/// What a watcher is sent of a job: the Job itself, or the Import it runs; each with the
/// job's state it shows.
pub trait Shown: Sized + Send {
    /// `owner`'s job `id` of this kind as it is now, or NOT_FOUND.
    fn find(state: &AppState, owner: &str, id: &str) -> impl Future<Output = Result<(Self, v1::Job)>> + Send;
    /// What is sent for the change to `job`.
    fn show(state: &AppState, owner: &str, job: v1::Job) -> impl Future<Output = Result<(Self, v1::Job)>> + Send;
}

impl Shown for v1::Job {
    async fn find(state: &AppState, owner: &str, id: &str) -> Result<(v1::Job, v1::Job)> {
        let job = view::to_proto(jobs::find(state, owner, id).await?);
        Ok((job.clone(), job))
    }

    /// The change itself (it carries what is not stored: what is being written, the
    /// content so far).
    async fn show(_: &AppState, _: &str, job: v1::Job) -> Result<(v1::Job, v1::Job)> {
        Ok((job.clone(), job))
    }
}

impl Shown for v1::Import {
    fn find(state: &AppState, owner: &str, id: &str) -> impl Future<Output = Result<(v1::Import, v1::Job)>> + Send {
        imports::with_job(state, owner, id)
    }

    async fn show(state: &AppState, owner: &str, job: v1::Job) -> Result<(v1::Import, v1::Job)> {
        imports::with_job(state, owner, &job.job_id).await
    }
}

fn is_terminal(job: &v1::Job) -> bool {
    job.status.parse::<JobStatus>().is_ok_and(JobStatus::is_terminal)
}

/// Whether `next` moves the job on from `last` (events may arrive twice or late).
pub(crate) fn is_newer(next: &v1::Job, last: &v1::Job) -> bool {
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
