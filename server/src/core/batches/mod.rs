//! Batches: many resume jobs submitted as one (`submit`), read with their counts and items,
//! listed, cancelled and retried as one, followed (`watch`) and downloaded as one ZIP
//! (`archive`). A batch's items are ordinary jobs that name it: every count is read from
//! them, so a batch is never out of step with its jobs.

pub mod archive;
pub mod submit;
pub mod watch;

use std::collections::HashMap;

use futures::{StreamExt, TryStreamExt};

use resume_proto::{job::JobStatus, time::to_timestamp, v1};
use sea_orm::{ColumnTrait, Condition, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect};

use crate::{
    AppState,
    core::{
        actions,
        budget::{self, BatchWork},
        fit, jobs,
        lifecycle::{self, Move},
        page, usage, validate, view,
    },
    db::{
        batch, candidate,
        job_event::Kind,
        resume_job,
        writer::{Event, Kept},
    },
    error::{Error, Result},
};

pub use submit::{create, estimate};

/// `owner`'s batch `batch_id`, or NOT_FOUND (another user's too).
pub async fn find(state: &AppState, owner: &str, batch_id: &str) -> Result<batch::Model> {
    let batch_id = validate::batch_id(batch_id)?;
    batch::Entity::find_by_id(batch_id.clone())
        .filter(batch::Column::Owner.eq(owner))
        .one(&state.db)
        .await?
        .ok_or_else(|| Error::NotFound(format!("batch {batch_id} not found")))
}

/// The batch as the API shows it, with `counts`, `items` and what they cost so far.
pub(crate) fn to_proto(
    row: batch::Model,
    counts: v1::BatchCounts,
    items: Vec<v1::BatchItem>,
    cost_usd: f64,
) -> v1::Batch {
    let batch::Model { id, owner: _, opening_id, file_type, priority, fresh, created_at, estimated_cost_usd } = row;
    v1::Batch {
        batch_id: id,
        opening_id,
        total: total(&counts),
        counts: Some(counts),
        estimated_cost_usd,
        cost_usd,
        file_type: file_type.to_string(),
        priority: priority.to_string(),
        fresh,
        created_at: Some(to_timestamp(created_at)),
        items,
    }
}

/// Adds `n` jobs of `status` to `counts`.
fn count(counts: &mut v1::BatchCounts, status: JobStatus, n: i64) {
    let slot = match status {
        JobStatus::Pending => &mut counts.pending,
        JobStatus::Processing => &mut counts.processing,
        JobStatus::Success => &mut counts.succeeded,
        JobStatus::Failure => &mut counts.failed,
        JobStatus::Cancelled => &mut counts.cancelled,
    };
    *slot += n;
}

/// How many items a batch with `counts` has.
pub fn total(counts: &v1::BatchCounts) -> i64 {
    let v1::BatchCounts { pending, processing, succeeded, failed, cancelled } = *counts;
    pending + processing + succeeded + failed + cancelled
}

/// Whether every item of a batch with `counts` has ended.
pub fn has_ended(counts: &v1::BatchCounts) -> bool {
    counts.pending == 0 && counts.processing == 0
}

/// The counts of each batch of `ids`, in one query.
async fn counts_of(state: &AppState, ids: &[String]) -> Result<HashMap<String, v1::BatchCounts>> {
    use resume_job::Column as C;
    let rows: Vec<(Option<String>, JobStatus, i64)> = resume_job::Entity::find()
        .select_only()
        .column(C::BatchId)
        .column(C::Status)
        .column_as(C::Id.count(), "n")
        .filter(C::BatchId.is_in(ids.iter().cloned()))
        .group_by(C::BatchId)
        .group_by(C::Status)
        .into_tuple()
        .all(&state.db)
        .await?;
    let mut counts: HashMap<String, v1::BatchCounts> = HashMap::new();
    for (batch_id, status, n) in rows {
        count(counts.entry(batch_id.unwrap_or_default()).or_default(), status, n);
    }
    Ok(counts)
}

/// The counts of batch `batch_id`.
pub async fn counts(state: &AppState, batch_id: &str) -> Result<v1::BatchCounts> {
    Ok(counts_of(state, &[batch_id.to_owned()]).await?.remove(batch_id).unwrap_or_default())
}

/// The items of batch `batch_id`, in the order they were submitted: each job with its
/// candidate's id and name.
pub(crate) async fn items(state: &AppState, batch_id: &str) -> Result<Vec<(resume_job::Model, String)>> {
    let jobs = resume_job::Entity::find()
        .filter(resume_job::Column::BatchId.eq(batch_id))
        .order_by_asc(resume_job::Column::Id)
        .all(&state.db)
        .await?;
    let names = names(state, jobs.iter().filter_map(|job| job.candidate_id)).await?;
    Ok(jobs
        .into_iter()
        .map(|job| {
            let name = job.candidate_id.and_then(|id| names.get(&id).cloned()).unwrap_or_default();
            (job, name)
        })
        .collect())
}

/// The full names of candidates `ids`, by id.
async fn names(state: &AppState, ids: impl Iterator<Item = i64>) -> Result<HashMap<i64, String>> {
    let ids: Vec<i64> = ids.collect();
    let mut names = HashMap::with_capacity(ids.len());
    // Well inside either database's limit on bound parameters.
    for group in ids.chunks(500) {
        let rows: Vec<(i64, String)> = candidate::Entity::find()
            .select_only()
            .column(candidate::Column::Id)
            .column(candidate::Column::FullName)
            .filter(candidate::Column::Id.is_in(group.iter().copied()))
            .into_tuple()
            .all(&state.db)
            .await?;
        names.extend(rows);
    }
    Ok(names)
}

/// An item as the API shows it, with its fit to the posting once it has succeeded.
async fn item(state: &AppState, job: resume_job::Model, candidate_name: String) -> Result<v1::BatchItem> {
    let fit = fit::score_of(state, &job).await?;
    Ok(v1::BatchItem {
        candidate_id: job.candidate_id.unwrap_or_default(),
        candidate_name,
        job: Some(view::to_proto(job)),
        fit,
    })
}

/// How many items' fits are read at once.
const FITS_AT_ONCE: usize = 8;

/// `owner`'s batch with its counts and every item.
pub async fn get(state: &AppState, owner: &str, batch_id: &str) -> Result<v1::Batch> {
    let row = find(state, owner, batch_id).await?;
    let items = items(state, &row.id).await?;
    let mut counts = v1::BatchCounts::default();
    let mut cost = 0.0;
    for (job, _) in &items {
        count(&mut counts, job.status, 1);
        cost += usage::cost_of(state, job);
    }
    let items = futures::stream::iter(items.into_iter().map(|(job, name)| item(state, job, name)))
        .buffered(FITS_AT_ONCE)
        .try_collect()
        .await?;
    Ok(to_proto(row, counts, items, cost))
}

/// One page of `owner`'s batches (of one opening, if given), newest first, with their
/// counts but not their items, and the next page's token.
pub async fn list(
    state: &AppState,
    owner: &str,
    req: v1::ListBatchesRequest,
) -> Result<(Vec<v1::Batch>, Option<String>)> {
    let v1::ListBatchesRequest { limit, page_token, opening_id } = req;
    let limit = page::limit(limit)?;
    let mut query = batch::Entity::find().filter(batch::Column::Owner.eq(owner));
    if let Some(opening_id) = opening_id {
        validate::positive_id("opening_id", opening_id)?;
        query = query.filter(batch::Column::OpeningId.eq(opening_id));
    }
    if let Some(before) = page::after_key(&page_token, |key| validate::batch_id(key).ok())? {
        query = query.filter(batch::Column::Id.lt(before));
    }
    let rows = query.order_by_desc(batch::Column::Id).limit(limit + 1).all(&state.db).await?;
    let (rows, next) = page::split(rows, limit, |row| row.id.clone());
    Ok((with_counts(state, rows).await?, next))
}

/// The most recent batches of every user (at most `limit`, 20 by default), newest first,
/// with their owners, counts and costs.
pub async fn recent(state: &AppState, limit: Option<i32>) -> Result<Vec<v1::AdminBatch>> {
    let limit = page::limit(limit)?;
    let rows = batch::Entity::find().order_by_desc(batch::Column::Id).limit(limit).all(&state.db).await?;
    let owners: Vec<String> = rows.iter().map(|row| row.owner.clone()).collect();
    let batches = with_counts(state, rows).await?;
    Ok(owners.into_iter().zip(batches).map(|(owner, batch)| v1::AdminBatch { owner, batch: Some(batch) }).collect())
}

/// `rows` as the API lists them: with their counts and costs, without their items.
pub(crate) async fn with_counts(state: &AppState, rows: Vec<batch::Model>) -> Result<Vec<v1::Batch>> {
    let ids: Vec<String> = rows.iter().map(|row| row.id.clone()).collect();
    let (mut counts, costs) = futures::try_join!(counts_of(state, &ids), usage::cost_by_batch(state, &ids))?;
    Ok(rows
        .into_iter()
        .map(|row| {
            let counts = counts.remove(&row.id).unwrap_or_default();
            let cost = costs.get(&row.id).copied().unwrap_or_default();
            to_proto(row, counts, Vec::new(), cost)
        })
        .collect())
}

/// Cancels every item of `owner`'s batch that has not ended; the batch as it then is.
pub async fn cancel(state: &AppState, owner: &str, batch_id: &str) -> Result<v1::Batch> {
    let row = find(state, owner, batch_id).await?;
    let which = resume_job::Column::BatchId.eq(row.id.as_str());
    let cancelled = jobs::cancel_running(state, which, &format!("{owner}, cancelling the batch")).await?;
    tracing::info!(batch_id = %row.id, cancelled = cancelled.len(), "batch cancelled");
    get(state, owner, &row.id).await
}

/// Runs every FAILURE item of `owner`'s batch again (a new run of each, queued again),
/// leaving every other item as it is; the batch as it then is.
pub async fn retry_failed(state: &AppState, owner: &str, batch_id: &str) -> Result<v1::Batch> {
    let row = find(state, owner, batch_id).await?;
    state.queue.ensure_connected()?;
    let queue = resume_proto::redis::Queue::of(row.priority);
    let which = Condition::all()
        .add(resume_job::Column::BatchId.eq(row.id.as_str()))
        .add(resume_job::Column::Status.eq(JobStatus::Failure));
    // Each failed item calls the model again: held to the budget like a submission.
    let (failed, average, standing) = futures::try_join!(
        async { Ok::<_, Error>(resume_job::Entity::find().filter(which.clone()).count(&state.db).await?) },
        usage::average_cost(state, owner),
        budget::standing(state, owner)
    )?;
    let failed = usize::try_from(failed).unwrap_or(usize::MAX);
    budget::admit_batch(state, &standing, BatchWork::Retry, failed, average.map(|average| average * failed as f64))?;
    let events = [
        Event::new(Kind::Retried).detail(format!("by {owner}, retrying the batch's failed items")),
        Event::new(Kind::Queued).detail(queue.name()),
    ];
    let retried = lifecycle::transition(state, Move::Retry, which, Kept::events(events)).await?;
    let count = retried.len();
    for job in retried {
        actions::queue_again(state, owner, job).await?;
    }
    tracing::info!(batch_id = %row.id, retried = count, "batch's failed items retried");
    get(state, owner, &row.id).await
}
