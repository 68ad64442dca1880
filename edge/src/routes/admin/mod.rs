//! `/api/admin/*`: queues, workers, statistics and any job with its timeline, for the `ops`
//! and `admin` roles.

mod json;
mod search;
mod spending;

use std::convert::Infallible;

use axum::{
    Json,
    extract::{Path, Query, State, rejection::QueryRejection},
    http::HeaderMap,
    response::sse::{Event, KeepAlive, Sse},
};
use futures::StreamExt;
use resume_proto::v1::{self, admin_service_client::AdminServiceClient};

use super::AppState;
use crate::{
    error::{ApiError, BodyErrors, CallerErrors, Conflict, Forbidden, InputErrors, NotFound, required},
    extract::{JsonBody, grpc, query_error, window_of},
    json::{PageQuery, parse_time},
    routes::resume::{
        error_event, job as job_json,
        json::{Job, JobPath},
    },
};
use json::{
    AdminJob, AdminJobList, AuditLog, ErrorGroupList, ErrorsQuery, History, HistoryQuery, JobDetail, Queue, QueueList,
    QueuePath, Stats, WorkerList,
};
use search::{Bulk, BulkOutcome, JobsQuery};
use spending::{AdminBatchList, NewBudget, OwnerPath, RecentBatchesQuery, Spending, SpendingQuery, UserBudget};

pub(crate) use json::HistoryWindow;

fn client(state: AppState) -> AdminServiceClient<tonic::transport::Channel> {
    AdminServiceClient::new(state.channel)
}

/// The queue a server's answer carries, as JSON.
fn queue_json(queue: Option<v1::Queue>) -> Result<Json<Queue>, ApiError> {
    Ok(Json(required(queue, "queue")?.into()))
}

/// Waiting and running tasks per queue, highest priority first, and whether each is paused.
#[utoipa::path(get, path = "/api/admin/queues", tag = "admin", operation_id = "listQueues",
    responses((status = 200, description = "The queues", body = QueueList), Forbidden, CallerErrors))]
pub async fn queues(State(state): State<AppState>, headers: HeaderMap) -> Result<Json<QueueList>, ApiError> {
    let response = client(state).list_queues(grpc(&headers, v1::ListQueuesRequest {})).await?.into_inner();
    Ok(Json(QueueList { queues: response.queues.into_iter().map(Into::into).collect() }))
}

/// Every worker with a live heartbeat, then those lost within the last hour (when, and
/// the jobs they held).
#[utoipa::path(get, path = "/api/admin/workers", tag = "admin", operation_id = "listWorkers",
    responses((status = 200, description = "The live and lately lost workers", body = WorkerList), Forbidden, CallerErrors))]
pub async fn workers(State(state): State<AppState>, headers: HeaderMap) -> Result<Json<WorkerList>, ApiError> {
    let response = client(state).list_workers(grpc(&headers, v1::ListWorkersRequest {})).await?.into_inner();
    Ok(Json(WorkerList { workers: response.workers.into_iter().map(Into::into).collect() }))
}

/// Totals across every user's jobs.
#[utoipa::path(get, path = "/api/admin/stats", tag = "admin", operation_id = "getStats",
    responses((status = 200, description = "The totals", body = Stats), Forbidden, CallerErrors))]
pub async fn stats(State(state): State<AppState>, headers: HeaderMap) -> Result<Json<Stats>, ApiError> {
    let response = client(state).get_stats(grpc(&headers, v1::GetStatsRequest {})).await?;
    Ok(Json(response.into_inner().into()))
}

/// Any user's job, with its timeline (oldest first).
#[utoipa::path(get, path = "/api/admin/jobs/{job_id}", tag = "admin", operation_id = "getJobDetail",
    params(JobPath),
    responses((status = 200, description = "The job and its timeline", body = JobDetail), InputErrors, NotFound, Forbidden, CallerErrors))]
pub async fn job(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(job_id): Path<String>,
) -> Result<Json<JobDetail>, ApiError> {
    let response = client(state).get_job_detail(grpc(&headers, v1::GetJobDetailRequest { job_id })).await?;
    let v1::GetJobDetailResponse { job, events, candidate_name, target_title, target_company } = response.into_inner();
    let job = required(job, "job")?.try_into()?;
    let events = events.into_iter().map(Into::into).collect();
    Ok(Json(JobDetail { job, events, candidate_name, target_title, target_company }))
}

/// Failures and retried attempts of every user's jobs, grouped by error class and message
/// (ids, numbers and times stripped), largest first.
#[utoipa::path(get, path = "/api/admin/errors", tag = "admin", operation_id = "listErrorGroups",
    params(ErrorsQuery),
    responses((status = 200, description = "The error groups", body = ErrorGroupList), InputErrors, Forbidden, CallerErrors))]
pub async fn errors(
    State(state): State<AppState>,
    headers: HeaderMap,
    query: Result<Query<ErrorsQuery>, QueryRejection>,
) -> Result<Json<ErrorGroupList>, ApiError> {
    let Query(ErrorsQuery { since, until }) = query.map_err(query_error)?;
    let request = v1::ListErrorGroupsRequest {
        since: parse_time("since", since.as_deref())?,
        until: parse_time("until", until.as_deref())?,
    };
    let response = client(state).list_error_groups(grpc(&headers, request)).await?.into_inner();
    Ok(Json(ErrorGroupList { groups: response.groups.into_iter().map(Into::into).collect() }))
}

/// Every user's jobs that match the search, newest first, a page at a time (keyset-paged:
/// a late page costs what the first does).
#[utoipa::path(get, path = "/api/admin/jobs", tag = "admin", operation_id = "listAdminJobs",
    params(JobsQuery),
    responses((status = 200, description = "A page of jobs, newest first", body = AdminJobList), InputErrors, Forbidden, CallerErrors))]
pub async fn jobs(
    State(state): State<AppState>,
    headers: HeaderMap,
    query: Result<Query<JobsQuery>, QueryRejection>,
) -> Result<Json<AdminJobList>, ApiError> {
    let Query(query) = query.map_err(query_error)?;
    let response = client(state).list_jobs(grpc(&headers, query.into_request()?)).await?.into_inner();
    let jobs = response.jobs.into_iter().map(AdminJob::try_from).collect::<Result<_, _>>()?;
    Ok(Json(AdminJobList { jobs, next_page_token: response.next_page_token }))
}

/// Runs a `FAILURE` or `CANCELLED` job again (a new attempt of the same job, `PENDING`
/// at once); 409 from any other status.
#[utoipa::path(post, path = "/api/admin/jobs/{job_id}/retry", tag = "admin", operation_id = "retryJob",
    params(JobPath),
    responses((status = 200, description = "The job, PENDING again", body = Job), InputErrors, NotFound, Conflict, Forbidden, CallerErrors))]
pub async fn retry(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(job_id): Path<String>,
) -> Result<Json<Job>, ApiError> {
    let response = client(state).retry_job(grpc(&headers, v1::RetryJobRequest { job_id })).await?;
    job_json(response.into_inner().job)
}

/// Cancels any user's job that has not ended; answers the job as it then is.
#[utoipa::path(post, path = "/api/admin/jobs/{job_id}/cancel", tag = "admin", operation_id = "cancelAnyJob",
    params(JobPath),
    responses((status = 200, description = "The job as it now is", body = Job), InputErrors, NotFound, Forbidden, CallerErrors))]
pub async fn cancel(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(job_id): Path<String>,
) -> Result<Json<Job>, ApiError> {
    let response = client(state).cancel_any_job(grpc(&headers, v1::CancelAnyJobRequest { job_id })).await?;
    job_json(response.into_inner().job)
}

/// Retries or cancels every job the filter matches (every job when it has none); with
/// `dry_run`, only counts them.
#[utoipa::path(post, path = "/api/admin/jobs/bulk", tag = "admin", operation_id = "bulkJobs",
    request_body = Bulk,
    responses((status = 200, description = "How many jobs matched and changed", body = BulkOutcome), InputErrors, BodyErrors, Forbidden, CallerErrors))]
pub async fn bulk(
    State(state): State<AppState>,
    headers: HeaderMap,
    JsonBody(body): JsonBody<Bulk>,
) -> Result<Json<BulkOutcome>, ApiError> {
    let Bulk { action, filter, dry_run } = body;
    let request = v1::BulkJobsRequest { action, filter: Some(filter.unwrap_or_default().try_into()?), dry_run };
    let v1::BulkJobsResponse { matched, changed } =
        client(state).bulk_jobs(grpc(&headers, request)).await?.into_inner();
    Ok(Json(BulkOutcome { matched, changed }))
}

/// Pauses a queue: workers take none of its tasks until it is resumed (submissions are
/// still accepted). Kept across restarts.
#[utoipa::path(post, path = "/api/admin/queues/{name}/pause", tag = "admin", operation_id = "pauseQueue",
    params(QueuePath),
    responses((status = 200, description = "The queue, paused", body = Queue), NotFound, Forbidden, CallerErrors))]
pub async fn pause(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(name): Path<String>,
) -> Result<Json<Queue>, ApiError> {
    let response = client(state).pause_queue(grpc(&headers, v1::PauseQueueRequest { name })).await?;
    queue_json(response.into_inner().queue)
}

/// Resumes a paused queue.
#[utoipa::path(post, path = "/api/admin/queues/{name}/resume", tag = "admin", operation_id = "resumeQueue",
    params(QueuePath),
    responses((status = 200, description = "The queue, taken from again", body = Queue), NotFound, Forbidden, CallerErrors))]
pub async fn resume(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(name): Path<String>,
) -> Result<Json<Queue>, ApiError> {
    let response = client(state).resume_queue(grpc(&headers, v1::ResumeQueueRequest { name })).await?;
    queue_json(response.into_inner().queue)
}

/// Every operator action (who, what, when, on which jobs), newest first.
#[utoipa::path(get, path = "/api/admin/audit", tag = "admin", operation_id = "listAuditEntries",
    params(PageQuery),
    responses((status = 200, description = "A page of the audit log, newest first", body = AuditLog), InputErrors, Forbidden, CallerErrors))]
pub async fn audit(
    State(state): State<AppState>,
    headers: HeaderMap,
    query: Result<Query<PageQuery>, QueryRejection>,
) -> Result<Json<AuditLog>, ApiError> {
    let Query(PageQuery { limit, page_token }) = query.map_err(query_error)?;
    let request = v1::ListAuditEntriesRequest { limit, page_token: page_token.unwrap_or_default() };
    let response = client(state).list_audit_entries(grpc(&headers, request)).await?.into_inner();
    let entries = response.entries.into_iter().map(Into::into).collect();
    Ok(Json(AuditLog { entries, next_page_token: response.next_page_token }))
}

/// Every user's jobs over a window in buckets of time: submitted, ended by outcome, cache
/// hits, wait and run percentiles, tokens and cost. From the database: every server
/// answers the same.
#[utoipa::path(get, path = "/api/admin/history", tag = "admin", operation_id = "getHistory",
    params(HistoryQuery),
    responses((status = 200, description = "The window's buckets, oldest first", body = History), InputErrors, Forbidden, CallerErrors))]
pub async fn history(
    State(state): State<AppState>,
    headers: HeaderMap,
    query: Result<Query<HistoryQuery>, QueryRejection>,
) -> Result<Json<History>, ApiError> {
    let Query(HistoryQuery { window, bucket }) = query.map_err(query_error)?;
    let request = v1::GetHistoryRequest { window: window_of(window)?, bucket };
    let response = client(state).get_history(grpc(&headers, request)).await?;
    Ok(Json(response.into_inner().into()))
}

/// What each owner's jobs that ended within the window (30 days by default) cost, top
/// spenders first with their monthly budgets and what they spent each day, and what each
/// day cost.
#[utoipa::path(get, path = "/api/admin/spending", tag = "admin", operation_id = "getSpending",
    params(SpendingQuery),
    responses((status = 200, description = "Spend per owner and per day", body = Spending), InputErrors, Forbidden,
        CallerErrors))]
pub async fn spending(
    State(state): State<AppState>,
    headers: HeaderMap,
    query: Result<Query<SpendingQuery>, QueryRejection>,
) -> Result<Json<Spending>, ApiError> {
    let Query(SpendingQuery { window, limit }) = query.map_err(query_error)?;
    let request = v1::GetSpendingRequest { window: window_of(window)?, limit };
    let response = client(state).get_spending(grpc(&headers, request)).await?;
    Ok(Json(response.into_inner().into()))
}

/// Gives a user a monthly budget of their own in place of `USER_MONTHLY_BUDGET_USD` (0:
/// none for them), or with `null` takes it away again; in the audit log as `budget`.
#[utoipa::path(put, path = "/api/admin/users/{owner}/budget", tag = "admin", operation_id = "setUserBudget",
    params(OwnerPath), request_body = NewBudget,
    responses((status = 200, description = "The user's budget as it now is", body = UserBudget), InputErrors,
        BodyErrors, Forbidden, CallerErrors))]
pub async fn set_budget(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(owner): Path<String>,
    JsonBody(body): JsonBody<NewBudget>,
) -> Result<Json<UserBudget>, ApiError> {
    let request = v1::SetUserBudgetRequest { owner, monthly_budget_usd: body.monthly_budget_usd };
    let response = client(state).set_user_budget(grpc(&headers, request)).await?;
    Ok(Json(response.into_inner().into()))
}

/// Every user's most recent batches, newest first, with their counts and costs.
#[utoipa::path(get, path = "/api/admin/batches", tag = "admin", operation_id = "listRecentBatches",
    params(RecentBatchesQuery),
    responses((status = 200, description = "The recent batches", body = AdminBatchList), InputErrors, Forbidden,
        CallerErrors))]
pub async fn batches(
    State(state): State<AppState>,
    headers: HeaderMap,
    query: Result<Query<RecentBatchesQuery>, QueryRejection>,
) -> Result<Json<AdminBatchList>, ApiError> {
    let Query(RecentBatchesQuery { limit }) = query.map_err(query_error)?;
    let request = v1::ListRecentBatchesRequest { limit };
    let response = client(state).list_recent_batches(grpc(&headers, request)).await?;
    Ok(Json(response.into_inner().into()))
}

/// Live, as Server-Sent Events: a `job` event (data: the job with its owner, queue and
/// worker) per transition of any user's job, and a `queue` (data: every queue) or `worker`
/// event (data: every worker) whenever those change, first as they are now.
#[utoipa::path(get, path = "/api/admin/events", tag = "admin", operation_id = "watchAdminEvents",
    responses((status = 200, description = "`job`, `queue` and `worker` events", content_type = "text/event-stream",
        body = AdminJob), Forbidden, CallerErrors))]
pub async fn events(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Sse<impl futures::Stream<Item = Result<Event, Infallible>>>, ApiError> {
    use v1::watch_events_response::Event as Change;
    let stopped = state.clone().stopped();
    let changes = client(state).watch_events(grpc(&headers, v1::WatchEventsRequest {})).await?.into_inner();
    let events = changes.take_until(stopped).map(|change| {
        let event = match change.map(|c| c.event) {
            Ok(Some(Change::Job(job))) => match AdminJob::try_from(job) {
                Ok(job) => Event::default().event("job").json_data(job),
                Err(error) => error_event(error),
            },
            Ok(Some(Change::Queues(list))) => {
                let queues = QueueList { queues: list.queues.into_iter().map(Into::into).collect() };
                Event::default().event("queue").json_data(queues)
            }
            Ok(Some(Change::Workers(list))) => {
                let workers = WorkerList { workers: list.workers.into_iter().map(Into::into).collect() };
                Event::default().event("worker").json_data(workers)
            }
            Ok(None) => error_event(required(None::<Change>, "event").unwrap_err()),
            Err(status) => error_event(ApiError::from(status)),
        };
        Ok(event.unwrap_or_else(|_| Event::default().event("error")))
    });
    Ok(Sse::new(events).keep_alive(KeepAlive::default()))
}
