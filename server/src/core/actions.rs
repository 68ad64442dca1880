//! What operators with the `admin` role do: retry and cancel any job, one or every job a
//! filter matches, pause and resume a queue; each action is recorded in the audit log,
//! which `ops` may read.
//!
//! A retry is a new run of the same job: its row goes back to PENDING with a fresh attempt
//! budget and its `run` one higher, and a task of that run is queued. A task of an earlier
//! run still in Redis (a job cancelled before any worker took it) is dropped at its claim,
//! so a retried job runs once however its old task ends.

use resume_proto::{job::ErrorClass, redis::Queue, v1};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Set,
    sea_query::OnConflict,
};

use crate::{
    AppState,
    core::{
        admin, jobs,
        lifecycle::{self, Move},
        page, search, tasks,
    },
    db::{
        self, audit_entry,
        job_event::Kind,
        paused_queue, resume_job,
        writer::{Event, Kept},
    },
    error::{Error, Result},
};

/// Runs job `job_id` again for operator `by`; FAILED_PRECONDITION unless it is FAILURE or
/// CANCELLED.
pub async fn retry(state: &AppState, by: &str, job_id: &str) -> Result<v1::Job> {
    let row = jobs::any(state, job_id).await?;
    let this = Condition::all().add(resume_job::Column::Id.eq(row.id.as_str()));
    let retried = retry_where(state, by, this, &[row.queue()]).await?;
    audit(state, by, "retry", &row.id, 1, retried.len() as i64).await?;
    retried.into_iter().next().ok_or_else(|| {
        Error::FailedPrecondition(format!(
            "job {} is {}; only a FAILURE or CANCELLED job can be retried",
            row.id, row.status
        ))
    })
}

/// Cancels any user's job `job_id` for operator `by`, unless it has ended; the job as it
/// then is.
pub async fn cancel(state: &AppState, by: &str, job_id: &str) -> Result<v1::Job> {
    let row = jobs::any(state, job_id).await?;
    let job_id = row.id.clone();
    let (job, cancelled) = jobs::cancel_one(state, row, &format!("operator {by}")).await?;
    audit(state, by, "cancel", &job_id, 1, i64::from(cancelled)).await?;
    Ok(job)
}

/// Retries or cancels every job `filter` matches for operator `by`: how many it matched and
/// changed (with `dry_run`, would change: nothing is changed or audited).
pub async fn bulk(state: &AppState, by: &str, req: v1::BulkJobsRequest) -> Result<v1::BulkJobsResponse> {
    let v1::BulkJobsRequest { action, filter, dry_run } = req;
    let filter = filter.unwrap_or_default();
    let condition = search::condition(&filter)?;
    let (verb, changes) = match action.as_str() {
        "retry" => ("retry", Move::Retry),
        "cancel" => ("cancel", Move::Cancel),
        _ => return Err(Error::InvalidArgument("action must be \"retry\" or \"cancel\"".into())),
    };
    let matched = resume_job::Entity::find().filter(condition.clone()).count(&state.db).await? as i64;
    if dry_run {
        let changes = resume_job::Column::Status.is_in(changes.from());
        let changed = resume_job::Entity::find().filter(condition).filter(changes).count(&state.db).await? as i64;
        return Ok(v1::BulkJobsResponse { matched, changed });
    }
    let changed = match verb {
        "retry" => retry_where(state, by, condition, &Queue::ALL).await?.len(),
        _ => jobs::cancel_running(state, condition, &format!("operator {by}")).await?.len(),
    } as i64;
    audit(state, by, &format!("bulk_{verb}"), &search::describe(&filter), matched, changed).await?;
    Ok(v1::BulkJobsResponse { matched, changed })
}

/// Moves every FAILURE or CANCELLED job of `queues` that `condition` selects to a new run,
/// PENDING (its timeline says who retried it and where it is queued, in the same
/// transaction, so before any worker can claim it: one update per queue, as each names its
/// own), and queues its task; the jobs as they are now.
async fn retry_where(state: &AppState, by: &str, condition: Condition, queues: &[Queue]) -> Result<Vec<v1::Job>> {
    state.queue.ensure_connected()?;
    let mut retried = Vec::new();
    for &queue in queues {
        let which = condition.clone().add(resume_job::Column::Priority.eq(queue.priority()));
        let events = [
            Event::new(Kind::Retried).detail(format!("by operator {by}")),
            Event::new(Kind::Queued).detail(queue.name()),
        ];
        for row in lifecycle::transition(state, Move::Retry, which, Kept::events(events)).await? {
            retried.push(queue_again(state, by, row).await?);
        }
    }
    Ok(retried)
}

/// Pushes the task of a job just retried; one that cannot be pushed fails again, visibly,
/// rather than wait for a task that is not there (it can be retried once the queue is back).
pub(crate) async fn queue_again(state: &AppState, by: &str, row: resume_job::Model) -> Result<v1::Job> {
    let pushed = async { state.queue.push(&row, jobs::work_of(state, &row).await?).await };
    match pushed.await {
        Ok(()) => {
            tracing::info!(job_id = %row.id, by, "job retried");
            Ok(lifecycle::announce(state, row).await)
        }
        Err(error) => {
            tracing::error!(job_id = %row.id, %error, "a retried job could not be queued");
            let message = "the job could not be queued again; retry it later";
            tasks::fail(state, &row.id, message, ErrorClass::QueueUnavailable).await
        }
    }
}

/// The queue named `name`, or NOT_FOUND.
fn queue_named(name: &str) -> Result<Queue> {
    Queue::named(name).ok_or_else(|| Error::NotFound(format!("queue {name} not found")))
}

/// Pauses queue `name` for operator `by`: workers take none of its tasks until it is
/// resumed (submissions are still accepted). Already paused: kept as it was.
pub async fn pause(state: &AppState, by: &str, name: &str) -> Result<v1::Queue> {
    let queue = queue_named(name)?;
    let row = paused_queue::ActiveModel {
        name: Set(queue.name().to_owned()),
        paused_at: Set(db::now()),
        paused_by: Set(by.to_owned()),
    };
    let keep_first = OnConflict::column(paused_queue::Column::Name).do_nothing().to_owned();
    let inserted = paused_queue::Entity::insert(row).on_conflict(keep_first).exec_without_returning(&state.db).await?;
    // The database is the truth; Redis's copy is made again every few seconds if this fails.
    state.queue.pause(&[queue.name().to_owned()]).await?;
    audit(state, by, "pause", queue.name(), 0, inserted as i64).await?;
    tracing::info!(queue = queue.name(), by, "queue paused");
    queue_now(state, queue).await
}

/// Resumes queue `name` for operator `by`.
pub async fn resume(state: &AppState, by: &str, name: &str) -> Result<v1::Queue> {
    let queue = queue_named(name)?;
    // Redis first: a pause whose copy could not be lifted stays paused in the database too.
    state.queue.resume(queue.name()).await?;
    let deleted = paused_queue::Entity::delete_by_id(queue.name().to_owned()).exec(&state.db).await?;
    audit(state, by, "resume", queue.name(), 0, deleted.rows_affected as i64).await?;
    tracing::info!(queue = queue.name(), by, "queue resumed");
    queue_now(state, queue).await
}

async fn queue_now(state: &AppState, queue: Queue) -> Result<v1::Queue> {
    let queues = admin::queues(state).await?;
    queues
        .into_iter()
        .find(|q| q.name == queue.name())
        .ok_or_else(|| Error::Corrupt(format!("queue {} not listed", queue.name())))
}

/// The names of the paused queues, as the database holds them.
pub async fn paused(state: &AppState) -> Result<Vec<String>> {
    let names = paused_queue::Entity::find().select_only().column(paused_queue::Column::Name).into_tuple();
    Ok(names.all(&state.db).await?)
}

/// Copies the paused queues into Redis (again, if Redis lost them).
pub async fn copy_pauses(state: &AppState) -> Result<()> {
    state.queue.pause(&paused(state).await?).await
}

/// Records an operator's action.
pub(crate) async fn audit(
    state: &AppState,
    by: &str,
    action: &str,
    target: &str,
    matched: i64,
    changed: i64,
) -> Result<()> {
    audit_entry::ActiveModel {
        at: Set(db::now()),
        user: Set(by.to_owned()),
        action: Set(action.to_owned()),
        target: Set(target.to_owned()),
        matched: Set(matched),
        changed: Set(changed),
        ..Default::default()
    }
    .insert(&state.db)
    .await?;
    Ok(())
}

/// One page of the audit log, newest first, and the next page's token.
pub async fn audit_log(
    state: &AppState,
    req: v1::ListAuditEntriesRequest,
) -> Result<(Vec<v1::AuditEntry>, Option<String>)> {
    let v1::ListAuditEntriesRequest { limit, page_token } = req;
    let limit = page::limit(limit)?;
    let mut query = audit_entry::Entity::find();
    if let Some(after) = page::after_key(&page_token, |key| key.parse::<i64>().ok())? {
        query = query.filter(audit_entry::Column::Id.lt(after));
    }
    let rows = query.order_by_desc(audit_entry::Column::Id).limit(limit + 1).all(&state.db).await?;
    let (rows, next) = page::split(rows, limit, |row| row.id.to_string());
    let entries = rows
        .into_iter()
        .map(|row| v1::AuditEntry {
            at: Some(resume_proto::time::to_timestamp(row.at)),
            user: row.user,
            action: row.action,
            target: row.target,
            matched: row.matched,
            changed: row.changed,
        })
        .collect();
    Ok((entries, next))
}
