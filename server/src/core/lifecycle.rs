//! A job's life in one place: which statuses it may move between, the one guarded update
//! through which every move goes, and the announcement of the row it leaves.
//!
//! Every move is one conditional UPDATE ("set PROCESSING *if* still PENDING or
//! PROCESSING, of this run"), committed by the writer with the timeline entries it records
//! (`db::writer`), so concurrent or repeated calls (a task delivered twice, a cancel racing
//! a completion, two operators retrying at once) cannot move a job backwards or twice:
//! whoever's condition no longer holds moves nothing and is told so.
//!
//! | from ↓ to →  | PENDING | PROCESSING | SUCCESS | FAILURE | CANCELLED |
//! |--------------|---------|------------|---------|---------|-----------|
//! | PENDING      |         | claim      |         | fail    | cancel    |
//! | PROCESSING   |         | claim, progress | complete | fail | cancel |
//! | SUCCESS      |         |            |         |         |           |
//! | FAILURE      | retry   |            |         |         |           |
//! | CANCELLED    | retry   |            |         |         |           |
//!
//! A job answered from the cache at submit is inserted as SUCCESS; it never moves. A
//! [`Move::Note`] changes nothing but the timeline of a job still running (a retry
//! scheduled, a rate-limit wait, a task returned from a lost worker or queued again).

use resume_proto::{job::JobStatus, v1};
use sea_orm::{
    ColumnTrait, EntityTrait, QueryFilter, UpdateMany,
    sea_query::{Expr, ExprTrait, Func, IntoCondition},
};

use crate::{
    AppState,
    core::view::to_admin,
    db::{
        self, resume_job,
        writer::{Durability, Kept},
    },
    error::Result,
};

/// Progress of a claimed job.
const CLAIMED_PROGRESS: i32 = 10;

/// Whether a job may move from `from` to `to`: the table above, which every move's
/// guard is drawn from ([`Move::from`]).
pub fn allowed(from: JobStatus, to: JobStatus) -> bool {
    use JobStatus::{Cancelled, Failure, Pending, Processing, Success};
    matches!(
        (from, to),
        (Pending | Processing, Processing | Failure | Cancelled)
            | (Processing, Success)
            | (Failure | Cancelled, Pending)
    )
}

/// What a finished job records besides its file.
#[derive(Debug, Clone, Default)]
pub struct Completion {
    /// What the download is saved as (an import has none).
    pub filename: Option<String>,
    /// What the model read and wrote for it (0 without a model call).
    pub prompt_tokens: i32,
    /// Of `prompt_tokens`, those read from the provider's prompt cache.
    pub cached_tokens: i32,
    pub completion_tokens: i32,
    /// The model that made it; none without a model call.
    pub model: Option<String>,
    /// How long the content took to make.
    pub generation_ms: i64,
    /// Made from a content another job made (no model call).
    pub cache_hit: bool,
}

/// Every way a job moves.
#[derive(Debug, Clone)]
pub enum Move<'a> {
    /// `worker` takes the job, of run `run`, for one more attempt.
    Claim { worker: &'a str, run: i32 },
    /// A running job's progress moves forward (never backwards).
    Progress(i32),
    /// The file is stored.
    Complete(&'a Completion),
    /// It failed for good; `message` is for its owner.
    Fail { message: &'a str },
    /// Its owner or an operator stopped it.
    Cancel,
    /// An operator runs it again: a new run, PENDING, with a fresh attempt budget.
    Retry,
    /// Only the timeline changes, of a job still running.
    Note,
}

impl Move<'_> {
    /// The statuses this move starts from: every status the table lets reach its `to`;
    /// progress only of a job a worker holds; a note (no new status) of a running job.
    pub fn from(&self) -> Vec<JobStatus> {
        match (self, self.to()) {
            (Move::Progress(_), _) => vec![JobStatus::Processing],
            (_, None) => JobStatus::RUNNING.to_vec(),
            (_, Some(to)) => JobStatus::ALL.iter().copied().filter(|&from| allowed(from, to)).collect(),
        }
    }

    /// How it is committed: a progress value, which the next report or the job's end
    /// supersedes, need not wait for the disk; every other move records a fact.
    pub fn durability(&self) -> Durability {
        match self {
            Move::Progress(_) => Durability::Relaxed,
            Move::Claim { .. } | Move::Complete(_) | Move::Fail { .. } | Move::Cancel | Move::Retry | Move::Note => {
                Durability::Durable
            }
        }
    }

    /// The status it leaves the job in; `None`: as it was.
    pub fn to(&self) -> Option<JobStatus> {
        match self {
            Move::Claim { .. } | Move::Progress(_) => Some(JobStatus::Processing),
            Move::Complete(_) => Some(JobStatus::Success),
            Move::Fail { .. } => Some(JobStatus::Failure),
            Move::Cancel => Some(JobStatus::Cancelled),
            Move::Retry => Some(JobStatus::Pending),
            Move::Note => None,
        }
    }

    /// The guarded UPDATE: what it sets, and the condition (its `from` statuses and the
    /// move's own guard) under which it does.
    fn update(&self) -> UpdateMany<resume_job::Entity> {
        use resume_job::Column as C;
        let mut update = resume_job::Entity::update_many();
        if let Some(to) = self.to() {
            update = update.col_expr(C::Status, Expr::value(to));
        }
        let now = db::now();
        let update = match *self {
            Move::Claim { worker, run } => update
                .col_expr(
                    C::Progress,
                    Expr::cust(format!(
                        "CASE WHEN progress < {CLAIMED_PROGRESS} THEN {CLAIMED_PROGRESS} ELSE progress END"
                    )),
                )
                .col_expr(C::Attempts, Expr::col(C::Attempts).add(1))
                .col_expr(C::Worker, Expr::value(worker))
                .col_expr(C::StartedAt, Func::coalesce([Expr::col(C::StartedAt), Expr::value(now)]).into())
                // A task of an earlier run (the job was retried since) is not this run's.
                .filter(C::Run.eq(run)),
            Move::Progress(progress) => {
                update.col_expr(C::Progress, Expr::value(progress)).filter(C::Progress.lt(progress))
            }
            Move::Complete(done) => update
                .col_expr(C::Progress, Expr::value(100))
                .col_expr(C::Filename, Expr::value(done.filename.clone()))
                .col_expr(C::CompletedAt, Expr::value(now))
                .col_expr(C::PromptTokens, Expr::value(Ord::max(done.prompt_tokens, 0)))
                .col_expr(C::CompletionTokens, Expr::value(Ord::max(done.completion_tokens, 0)))
                .col_expr(C::CachedTokens, Expr::value(done.cached_tokens.clamp(0, Ord::max(done.prompt_tokens, 0))))
                .col_expr(C::Model, Expr::value(done.model.clone()))
                .col_expr(C::CacheHit, Expr::value(done.cache_hit))
                .col_expr(C::GenerationMs, Expr::value(Ord::max(done.generation_ms, 0))),
            Move::Fail { message } => {
                update.col_expr(C::ErrorMessage, Expr::value(message)).col_expr(C::CompletedAt, Expr::value(now))
            }
            Move::Cancel => update.col_expr(C::CompletedAt, Expr::value(now)),
            Move::Retry => update
                .col_expr(C::Progress, Expr::value(0))
                .col_expr(C::Attempts, Expr::value(0))
                .col_expr(C::ErrorMessage, Expr::value(Option::<String>::None))
                .col_expr(C::StartedAt, Expr::value(Option::<chrono::DateTime<chrono::Utc>>::None))
                .col_expr(C::CompletedAt, Expr::value(Option::<chrono::DateTime<chrono::Utc>>::None))
                .col_expr(C::Run, Expr::col(C::Run).add(1)),
            // An UPDATE sets something: the row's own value, so that the condition is
            // checked and the row returned in the same statement as the entries are kept.
            Move::Note => update.col_expr(C::Run, Expr::col(C::Run)),
        };
        update.filter(C::Status.is_in(self.from()))
    }
}

/// Moves every job `which` selects that `movement` may move, recording what `keeps` for
/// each in the same transaction; the rows as they are after it (none when no job could
/// move). Announce them ([`announce`]) once the caller is done with them.
pub async fn transition(
    state: &AppState,
    movement: Move<'_>,
    which: impl IntoCondition,
    keeps: Kept,
) -> Result<Vec<resume_job::Model>> {
    Ok(state.writer.update(movement.update().filter(which), keeps, movement.durability()).await?)
}

/// Announces `row`'s new state to its watchers and to the operators' live streams, on
/// every server, and counts an ended job; the job as the API shows it.
pub async fn announce(state: &AppState, row: resume_job::Model) -> v1::Job {
    announce_saying(state, row, Live::default()).await
}

/// What a worker says of a running job with its progress, which only the job's watchers
/// are told: it is not stored.
#[derive(Debug, Clone, Default)]
pub struct Live {
    /// What is being written, in words.
    pub status_text: Option<String>,
    /// The content written so far, when it changed.
    pub content_so_far: Option<v1::ResumeContent>,
}

/// The same, with what the worker says (`live`).
pub async fn announce_saying(state: &AppState, row: resume_job::Model, live: Live) -> v1::Job {
    state.metrics.ended(&row);
    let mut change = to_admin(row);
    if let Some(job) = change.job.as_mut() {
        (job.status_text, job.content_so_far) = (live.status_text, live.content_so_far);
    }
    state.events.publish(&change).await;
    change.job.unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The table, pair by pair: everything not listed is refused.
    #[test]
    fn every_pair_of_statuses_is_decided() {
        use JobStatus::{Cancelled, Failure, Pending, Processing, Success};
        let allowed_pairs = [
            (Pending, Processing),
            (Pending, Failure),
            (Pending, Cancelled),
            (Processing, Processing),
            (Processing, Success),
            (Processing, Failure),
            (Processing, Cancelled),
            (Failure, Pending),
            (Cancelled, Pending),
        ];
        for &from in JobStatus::ALL {
            for &to in JobStatus::ALL {
                assert_eq!(allowed(from, to), allowed_pairs.contains(&(from, to)), "{from} → {to}");
            }
        }
        // A job that succeeded never changes again; no job goes back to waiting but by a retry.
        assert!(JobStatus::ALL.iter().all(|&to| !allowed(Success, to)));
        assert!(JobStatus::RUNNING.iter().all(|&from| !allowed(from, Pending)));
    }

    #[test]
    fn each_move_starts_where_it_should() {
        use JobStatus::{Cancelled, Failure, Pending, Processing};
        let done = Completion::default();
        assert_eq!(Move::Claim { worker: "w", run: 0 }.from(), [Pending, Processing]);
        assert_eq!(Move::Progress(50).from(), [Processing]);
        assert_eq!(Move::Progress(50).durability(), Durability::Relaxed, "superseded by the next report");
        assert_eq!(Move::Claim { worker: "w", run: 0 }.durability(), Durability::Durable);
        assert_eq!(Move::Complete(&done).from(), [Processing]);
        assert_eq!(Move::Fail { message: "m" }.from(), [Pending, Processing]);
        assert_eq!(Move::Cancel.from(), [Pending, Processing]);
        assert_eq!(Move::Retry.from(), [Failure, Cancelled]);
        assert_eq!(Move::Note.from(), [Pending, Processing]);
    }

    #[test]
    fn every_move_goes_only_where_the_table_allows() {
        let done = Completion::default();
        let moves = [
            Move::Claim { worker: "w", run: 0 },
            Move::Progress(50),
            Move::Complete(&done),
            Move::Fail { message: "m" },
            Move::Cancel,
            Move::Retry,
            Move::Note,
        ];
        for movement in &moves {
            for from in movement.from() {
                match movement.to() {
                    Some(to) => assert!(allowed(from, to), "{movement:?} from {from}"),
                    None => assert!(!from.is_terminal(), "a note is of a running job, not {from}"),
                }
            }
        }
        // Each status a move may reach from anywhere is reached by some move.
        for &from in JobStatus::ALL {
            for &to in JobStatus::ALL {
                if allowed(from, to) {
                    let reached = moves.iter().any(|m| m.to() == Some(to) && m.from().contains(&from));
                    assert!(reached, "{from} → {to} is allowed but no move makes it");
                }
            }
        }
    }

    #[test]
    fn the_update_names_its_guard() {
        use sea_orm::{DbBackend, QueryTrait};
        let sql = Move::Claim { worker: "w1", run: 2 }.update().build(DbBackend::Postgres).to_string();
        assert!(sql.contains(r#""status" IN ('PENDING', 'PROCESSING')"#), "{sql}");
        assert!(sql.contains(r#""run" = 2"#), "{sql}");
        let sql = Move::Retry.update().build(DbBackend::Sqlite).to_string();
        assert!(sql.contains(r#""status" IN ('FAILURE', 'CANCELLED')"#), "{sql}");
        assert!(sql.contains(r#""status" = 'PENDING'"#), "{sql}");
    }
}
