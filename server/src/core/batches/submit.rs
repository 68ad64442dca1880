//! Submitting a batch: every item checked first (each candidate the caller's, named once;
//! each target job that candidate's), then the batch, the target jobs it needs and every
//! item's job stored in one transaction — all or none — and only then the tasks queued.

use std::collections::{HashMap, HashSet};

use resume_proto::{
    job::{ErrorClass, FileType, JobKind, Priority},
    redis::{cache::Variant, task},
    v1,
};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Set, TransactionTrait};

use crate::{
    AppState,
    core::{
        budget::{self, BatchWork},
        candidates, documents, jobs, openings, tasks, usage, validate,
    },
    db::{self, batch, candidate, candidate_job, opening, resume_job, writer},
    error::{Error, Result},
};

/// What a submission asks for, checked: each candidate once, with the target job named (or
/// the opening's, or none).
struct Request {
    opening: Option<opening::Model>,
    /// (candidate id, target job id) in the order given; with an opening, the target is
    /// found or made in the transaction.
    items: Vec<(i64, Option<i64>)>,
    file_type: FileType,
    priority: Priority,
    fresh: bool,
}

/// Stores `owner`'s batch and queues its items; the batch as it is then (its items PENDING,
/// or SUCCESS already where the cache answered them).
pub async fn create(state: &AppState, owner: &str, req: v1::CreateBatchRequest) -> Result<String> {
    let request = checked(state, owner, req).await?;
    state.queue.ensure_connected()?;
    let people = people(state, owner, &request).await?;
    let targets = targets(state, owner, &request).await?;
    // Read before the transaction: what a resume costs the owner, and what is left.
    let (average, standing) = futures::try_join!(usage::average_cost(state, owner), budget::standing(state, owner))?;
    let txn = state.db.begin().await?;
    let batch_id = uuid::Uuid::now_v7().to_string();
    let mut made = Vec::with_capacity(request.items.len());
    for &(candidate_id, _) in &request.items {
        let target = match (targets.get(&candidate_id), &request.opening) {
            (Some(target), _) => Some(target.clone()),
            (None, Some(opening)) => Some(candidates::target_of(owner, candidate_id, opening).insert(&txn).await?),
            (None, None) => None,
        };
        let candidate = candidates::to_proto(people[&candidate_id].clone())?;
        let target = target.map(candidates::job_to_proto);
        let work = task::Work {
            fresh: request.fresh,
            ..jobs::keys_of(state, owner, &candidate, target.as_ref(), Variant::default(), request.file_type)
        };
        let row = resume_job::Model {
            batch_id: Some(batch_id.clone()),
            fresh: request.fresh,
            ..jobs::pending(
                JobKind::Generate,
                owner,
                Some(candidate_id),
                target.map(|t| t.id),
                request.file_type,
                request.priority,
            )
        };
        made.push((row, work));
    }
    // The cache is read before the rows are written: a hit is stored as SUCCESS with them.
    let answers = futures::future::join_all(made.iter().map(|(_, work)| jobs::cached(state, work))).await;
    let mut rows = Vec::with_capacity(made.len());
    let mut queued = Vec::new();
    for ((row, work), answer) in made.into_iter().zip(answers) {
        match answer {
            Some(cached) => rows.push(jobs::answered_from_cache(row, cached, &work.content_key)),
            None => {
                rows.push((row.clone(), jobs::queued(request.priority)));
                queued.push((row, work));
            }
        }
    }
    // Only the items the caches did not answer call the model: not those the result cache
    // answered above, nor those whose content a worker will reuse (made for the same keys
    // within CONTENT_REUSE_DAYS). The whole batch is refused (the transaction rolled back:
    // nothing stored, nothing queued) when their estimate exceeds what is left of the budget.
    let reused = documents::reused(state, &queued.iter().map(|(_, work)| work).collect::<Vec<_>>()).await?;
    let calling = queued.iter().filter(|(_, work)| !reused.contains(&work.content_key)).count();
    let estimate = average.map(|average| average * calling as f64);
    budget::admit_batch(state, &standing, BatchWork::Submission, calling, estimate)?;
    batch::ActiveModel {
        id: Set(batch_id.clone()),
        owner: Set(owner.to_owned()),
        opening_id: Set(request.opening.as_ref().map(|o| o.id)),
        file_type: Set(request.file_type),
        priority: Set(request.priority),
        fresh: Set(request.fresh),
        created_at: Set(db::now()),
        estimated_cost_usd: Set(estimate),
    }
    .insert(&txn)
    .await?;
    writer::insert_in(&txn, &rows).await?;
    txn.commit().await?;
    for (row, _) in &rows {
        state.metrics.submitted(row.queue());
        if row.status.is_terminal() {
            state.metrics.ended(row);
        }
    }
    let pushed = queued.len();
    for (row, work) in queued {
        push(state, &row, work).await;
    }
    tracing::info!(batch_id, items = rows.len(), queued = pushed, "batch submitted");
    Ok(batch_id)
}

/// What `owner`'s submission `req` would cost and whether their budget takes it, checked as
/// [`create`] checks it; nothing is stored or queued. Every item is counted as a model
/// call (which of them the caches answer is known only as they are submitted).
pub async fn estimate(state: &AppState, owner: &str, req: v1::CreateBatchRequest) -> Result<v1::EstimateBatchResponse> {
    let request = checked(state, owner, req).await?;
    people(state, owner, &request).await?;
    let (average, standing) = futures::try_join!(usage::average_cost(state, owner), budget::standing(state, owner))?;
    let items = request.items.len();
    let estimate = average.map(|average| average * items as f64);
    Ok(v1::EstimateBatchResponse {
        items: items as i64,
        estimated_cost_usd: estimate,
        average_cost_usd: average,
        within_budget: budget::admit_batch(state, &standing, BatchWork::Submission, items, estimate).is_ok(),
        budget: Some(standing.to_proto()),
    })
}

/// The candidates `request` names, by id: every one `owner`'s, else INVALID_ARGUMENT naming
/// each that is not (unknown and other users' alike), before anything is stored.
async fn people(state: &AppState, owner: &str, request: &Request) -> Result<HashMap<i64, candidate::Model>> {
    let ids: Vec<i64> = request.items.iter().map(|(id, _)| *id).collect();
    let people = candidate::Entity::find()
        .filter(candidate::Column::Id.is_in(ids.iter().copied()))
        .filter(candidate::Column::Owner.eq(owner))
        .all(&state.db)
        .await?;
    let people: HashMap<i64, candidate::Model> = people.into_iter().map(|row| (row.id, row)).collect();
    let unknown: Vec<String> = ids.iter().filter(|id| !people.contains_key(id)).map(i64::to_string).collect();
    if !unknown.is_empty() {
        return Err(Error::InvalidArgument(format!("candidate_ids not found: {}", unknown.join(", "))));
    }
    Ok(people)
}

/// The request's shape checked: an opening of `owner`'s with `candidate_ids`, or explicit
/// `items`; at least one and at most `BATCH_MAX_ITEMS`, each candidate once.
async fn checked(state: &AppState, owner: &str, req: v1::CreateBatchRequest) -> Result<Request> {
    let v1::CreateBatchRequest { opening_id, candidate_ids, items, file_type, priority, fresh } = req;
    let file_type = validate::file_type(file_type.as_deref())?;
    let priority = validate::priority(priority.as_deref())?;
    let (field, items): (&str, Vec<(i64, Option<i64>)>) = match opening_id {
        Some(_) if !items.is_empty() => {
            return Err(Error::InvalidArgument("items must be empty with opening_id (give candidate_ids)".into()));
        }
        Some(_) => ("candidate_ids", candidate_ids.into_iter().map(|id| (id, None)).collect()),
        None if !candidate_ids.is_empty() => {
            return Err(Error::InvalidArgument("candidate_ids need an opening_id (or give items)".into()));
        }
        None => ("items", items.into_iter().map(|item| (item.candidate_id, item.job_row_id)).collect()),
    };
    if items.is_empty() {
        return Err(Error::InvalidArgument(format!("{field} must name at least one candidate")));
    }
    let max = state.batch_max_items;
    if items.len() > max {
        return Err(Error::InvalidArgument(format!("{field} must have at most {max} entries (BATCH_MAX_ITEMS)")));
    }
    let mut seen = HashSet::with_capacity(items.len());
    for (i, &(candidate_id, job_row_id)) in items.iter().enumerate() {
        validate::positive_id(&format!("{field}[{i}]"), candidate_id)?;
        if let Some(id) = job_row_id {
            validate::positive_id(&format!("{field}[{i}].job_row_id"), id)?;
        }
        if !seen.insert(candidate_id) {
            return Err(Error::InvalidArgument(format!("{field} names candidate {candidate_id} more than once")));
        }
    }
    let opening = match opening_id {
        Some(id) => Some(openings::find(state, owner, id).await?),
        None => None,
    };
    Ok(Request { opening, items, file_type, priority, fresh })
}

/// The target job each item uses, by candidate: the one named (which must be that
/// candidate's), or, for an opening, the candidate's newest target job pointing at it (a
/// candidate without one gets one in the transaction).
async fn targets(state: &AppState, owner: &str, request: &Request) -> Result<HashMap<i64, candidate_job::Model>> {
    let query = candidate_job::Entity::find().filter(candidate_job::Column::Owner.eq(owner));
    let rows = match &request.opening {
        Some(opening) => {
            let ids = request.items.iter().map(|(id, _)| *id);
            query
                .filter(candidate_job::Column::OpeningId.eq(opening.id))
                .filter(candidate_job::Column::CandidateId.is_in(ids))
                .order_by_desc(candidate_job::Column::Id)
                .all(&state.db)
                .await?
        }
        None => {
            let named = request.items.iter().filter_map(|(_, target)| *target);
            let rows = query.filter(candidate_job::Column::Id.is_in(named)).all(&state.db).await?;
            let rows: HashMap<i64, candidate_job::Model> = rows.into_iter().map(|row| (row.id, row)).collect();
            let wrong: Vec<String> = request
                .items
                .iter()
                .filter_map(|&(candidate, target)| {
                    let target = target?;
                    (rows.get(&target).map(|row| row.candidate_id) != Some(candidate))
                        .then(|| format!("{target} (candidate {candidate})"))
                })
                .collect();
            if !wrong.is_empty() {
                return Err(Error::InvalidArgument(format!("items' job_row_ids not found: {}", wrong.join(", "))));
            }
            rows.into_values().collect()
        }
    };
    let mut by_candidate = HashMap::new();
    for row in rows {
        by_candidate.entry(row.candidate_id).or_insert(row);
    }
    Ok(by_candidate)
}

/// Queues an item's task; one that cannot be queued fails, visibly, so that its batch
/// ends and "retry failed" runs it again once the queue is back.
async fn push(state: &AppState, row: &resume_job::Model, work: task::Work) {
    if let Err(error) = state.queue.push(row, work).await {
        tracing::error!(job_id = %row.id, %error, "a batch item could not be queued");
        let message = "the job could not be queued; retry the batch's failed items";
        if let Err(error) = tasks::fail(state, &row.id, message, ErrorClass::QueueUnavailable).await {
            tracing::error!(job_id = %row.id, %error, "an unqueued batch item could not be failed");
        }
    }
}
