//! `/api/admin/*`: queues, workers and statistics, for the `admin` role.

use axum::{Json, extract::State, http::HeaderMap};
use resume_proto::v1::{self, admin_service_client::AdminServiceClient};
use serde_json::{Value, json};

use super::AppState;
use crate::{error::ApiError, extract::grpc, json::time};

/// `GET /api/admin/queues`.
pub async fn queues(State(state): State<AppState>, headers: HeaderMap) -> Result<Json<Value>, ApiError> {
    let response = AdminServiceClient::new(state.channel).list_queues(grpc(&headers, v1::ListQueuesRequest {})).await?;
    let queues: Vec<Value> = response
        .into_inner()
        .queues
        .into_iter()
        .map(
            |v1::Queue {
                 name,
                 pending,
                 in_progress,
             }| json!({"name": name, "pending": pending, "in_progress": in_progress}),
        )
        .collect();
    Ok(Json(json!({"queues": queues})))
}

/// `GET /api/admin/workers`.
pub async fn workers(State(state): State<AppState>, headers: HeaderMap) -> Result<Json<Value>, ApiError> {
    let response =
        AdminServiceClient::new(state.channel).list_workers(grpc(&headers, v1::ListWorkersRequest {})).await?;
    let workers: Vec<Value> = response
        .into_inner()
        .workers
        .into_iter()
        .map(|v1::Worker { id, host, concurrency, active, processed, failed, last_heartbeat }| {
            let last_heartbeat = time(last_heartbeat);
            json!({"id": id, "host": host, "concurrency": concurrency, "active": active,
                   "processed": processed, "failed": failed, "last_heartbeat": last_heartbeat})
        })
        .collect();
    Ok(Json(json!({"workers": workers})))
}

/// `GET /api/admin/stats`.
pub async fn stats(State(state): State<AppState>, headers: HeaderMap) -> Result<Json<Value>, ApiError> {
    let response = AdminServiceClient::new(state.channel).get_stats(grpc(&headers, v1::GetStatsRequest {})).await?;
    let v1::GetStatsResponse {
        succeeded,
        failed,
        cancelled,
        cache_hits,
        cache_hit_ratio,
        jobs_last_minute,
        avg_duration_ms,
    } = response.into_inner();
    Ok(Json(json!({
        "succeeded": succeeded, "failed": failed, "cancelled": cancelled, "cache_hits": cache_hits,
        "cache_hit_ratio": cache_hit_ratio, "jobs_last_minute": jobs_last_minute, "avg_duration_ms": avg_duration_ms,
    })))
}
