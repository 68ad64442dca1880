//! The `job_event` table: a job's timeline, one append-only row per thing that happened to
//! it, written in the transaction of the transition it records (`db::writer`).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "job_event")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub job_id: String,
    pub at: DateTimeUtc,
    /// One of [`Kind`]'s names.
    pub kind: String,
    pub worker: Option<String>,
    pub attempt: Option<i32>,
    pub detail: Option<String>,
    /// A failure's or a retry's kind, e.g. `model_unavailable`.
    pub error_class: Option<String>,
    /// Its message with ids, numbers and times stripped: errors that differ only in those
    /// share it.
    pub error_key: Option<String>,
    /// The id of the group of errors of the same class and key (`core::errors::group_id`).
    pub error_group: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

/// What happened.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Shown from the job's `created_at`; never stored.
    Submitted,
    /// Answered at submit from the result cache.
    AnsweredFromCache,
    /// Its task was pushed to a queue (the detail names it).
    Queued,
    /// A worker took it for an attempt.
    Claimed,
    /// An attempt failed; the task will be tried again.
    RetryScheduled,
    Succeeded,
    Failed,
    Cancelled,
    /// Queued again after Redis lost its task.
    Requeued,
    /// Run again by an operator (the detail names them).
    Retried,
    /// Its task went back to its queue from a worker found lost (the detail names it).
    Recovered,
    /// The task rate limit made it wait (recorded once per task).
    RateLimited,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Submitted => "submitted",
            Kind::AnsweredFromCache => "answered_from_cache",
            Kind::Queued => "queued",
            Kind::Claimed => "claimed",
            Kind::RetryScheduled => "retry_scheduled",
            Kind::Succeeded => "succeeded",
            Kind::Failed => "failed",
            Kind::Cancelled => "cancelled",
            Kind::Requeued => "requeued",
            Kind::Retried => "retried",
            Kind::Recovered => "recovered",
            Kind::RateLimited => "rate_limited",
        }
    }
}
