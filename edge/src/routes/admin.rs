//! `/api/admin/*`: queues, workers, statistics and any job with its timeline, for the `ops`
//! and `admin` roles.

use axum::{
    Json,
    extract::{Path, Query, State, rejection::QueryRejection},
    http::HeaderMap,
};
use resume_proto::v1::{self, admin_service_client::AdminServiceClient};

use super::AppState;
use crate::{
    error::{ApiError, CallerErrors, Forbidden, InputErrors, NotFound, required},
    extract::{grpc, query_error},
    json::{
        AdminJob, ErrorGroup, ErrorGroupList, ErrorsQuery, JobDetail, JobEvent, JobPath, Queue, QueueList, Stats,
        Worker, WorkerList, parse_time, time,
    },
};

fn client(state: AppState) -> AdminServiceClient<tonic::transport::Channel> {
    AdminServiceClient::new(state.channel)
}

/// Waiting and running tasks per queue, highest priority first.
#[utoipa::path(get, path = "/api/admin/queues", tag = "admin", operation_id = "listQueues",
    responses((status = 200, description = "The queues", body = QueueList), Forbidden, CallerErrors))]
pub async fn queues(State(state): State<AppState>, headers: HeaderMap) -> Result<Json<QueueList>, ApiError> {
    let response = client(state).list_queues(grpc(&headers, v1::ListQueuesRequest {})).await?.into_inner();
    let queues = response
        .queues
        .into_iter()
        .map(|v1::Queue { name, pending, in_progress }| Queue { name, pending, in_progress })
        .collect();
    Ok(Json(QueueList { queues }))
}

/// Every worker with a live heartbeat.
#[utoipa::path(get, path = "/api/admin/workers", tag = "admin", operation_id = "listWorkers",
    responses((status = 200, description = "The live workers", body = WorkerList), Forbidden, CallerErrors))]
pub async fn workers(State(state): State<AppState>, headers: HeaderMap) -> Result<Json<WorkerList>, ApiError> {
    let response = client(state).list_workers(grpc(&headers, v1::ListWorkersRequest {})).await?.into_inner();
    let workers = response
        .workers
        .into_iter()
        .map(|v1::Worker { id, host, concurrency, active, processed, failed, last_heartbeat }| Worker {
            id,
            host,
            concurrency,
            active,
            processed,
            failed,
            last_heartbeat: time(last_heartbeat),
        })
        .collect();
    Ok(Json(WorkerList { workers }))
}

/// Totals across every user's jobs.
#[utoipa::path(get, path = "/api/admin/stats", tag = "admin", operation_id = "getStats",
    responses((status = 200, description = "The totals", body = Stats), Forbidden, CallerErrors))]
pub async fn stats(State(state): State<AppState>, headers: HeaderMap) -> Result<Json<Stats>, ApiError> {
    let response = client(state).get_stats(grpc(&headers, v1::GetStatsRequest {})).await?;
    let v1::GetStatsResponse {
        succeeded,
        failed,
        cancelled,
        cache_hits,
        cache_hit_ratio,
        jobs_last_minute,
        avg_duration_ms,
    } = response.into_inner();
    Ok(Json(Stats { succeeded, failed, cancelled, cache_hits, cache_hit_ratio, jobs_last_minute, avg_duration_ms }))
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
    let v1::GetJobDetailResponse { job, events } = response.into_inner();
    let v1::AdminJob { job, owner, queue, worker } = required(job, "job")?;
    let job = AdminJob { job: required(job, "job")?.into(), owner, queue, worker };
    let events = events
        .into_iter()
        .map(|v1::JobEvent { at, kind, worker, attempt, detail, error_class }| JobEvent {
            at: time(at),
            kind,
            worker,
            attempt,
            detail,
            error_class,
        })
        .collect();
    Ok(Json(JobDetail { job, events }))
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
    let groups = response
        .groups
        .into_iter()
        .map(|v1::ErrorGroup { id, class, message, count, jobs, first_seen, last_seen, sample_job_id }| ErrorGroup {
            id,
            class,
            message,
            count,
            jobs,
            first_seen: time(first_seen),
            last_seen: time(last_seen),
            sample_job_id,
        })
        .collect();
    Ok(Json(ErrorGroupList { groups }))
}
