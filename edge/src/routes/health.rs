//! Liveness, readiness and the API's own description, with the JSON of the first two
//! (three small shapes, kept here rather than in a `json` module of their own).

use std::time::Duration;

use axum::{Json, extract::State, http::StatusCode};
use resume_proto::v1::{self, GetReadinessRequest, readiness_service_client::ReadinessServiceClient};
use serde::Serialize;
use utoipa::ToSchema;

use super::AppState;

/// How long the edge waits for the server's readiness (which bounds its own checks
/// below this): `/api/readyz` answers within a second whatever is down.
const READINESS_DEADLINE: Duration = Duration::from_millis(900);

/// The edge is up.
#[utoipa::path(get, path = "/api/healthz", tag = "health", operation_id = "healthz", security(),
    responses((status = 200, description = "The edge is up", body = Health)))]
pub async fn healthz() -> Json<Health> {
    Json(Health { status: "ok".into() })
}

/// This document: the OpenAPI 3.1 description of every route.
#[utoipa::path(get, path = "/api/openapi.json", tag = "health", operation_id = "openapi", security(),
    responses((status = 200, description = "The OpenAPI document", content_type = "application/json",
        body = Object)))]
pub async fn openapi() -> ([(axum::http::HeaderName, &'static str); 1], &'static str) {
    ([(axum::http::header::CONTENT_TYPE, "application/json")], crate::openapi::document())
}

/// The server, its database and Redis answer: 200, or 503 naming what failed.
#[utoipa::path(get, path = "/api/readyz", tag = "health", operation_id = "readyz", security(),
    responses((status = 200, description = "Ready", body = Readiness), (status = 503, description = "Not ready: the failing check is named", body = Readiness)))]
pub async fn readyz(State(state): State<AppState>) -> (StatusCode, Json<Readiness>) {
    let mut client = ReadinessServiceClient::new(state.channel);
    let readiness = tokio::time::timeout(READINESS_DEADLINE, client.get_readiness(GetReadinessRequest {}))
        .await
        .unwrap_or_else(|_| Err(tonic::Status::deadline_exceeded("no answer in time")));
    match readiness {
        Ok(response) => {
            let v1::GetReadinessResponse { ready, database, redis, workers, paused_queues, model_configured } =
                response.into_inner();
            let checks = Checks { database: Some(database), redis: Some(redis), workers: Some(workers), server: None };
            let (code, status) =
                if ready { (StatusCode::OK, "ok") } else { (StatusCode::SERVICE_UNAVAILABLE, "unavailable") };
            let readiness =
                Readiness { status: status.into(), checks, paused_queues, model_configured: Some(model_configured) };
            (code, Json(readiness))
        }
        Err(status) => {
            tracing::warn!(%status, "readiness: server unreachable");
            let checks = Checks { database: None, redis: None, workers: None, server: Some("unavailable".into()) };
            let readiness =
                Readiness { status: "unavailable".into(), checks, paused_queues: Vec::new(), model_configured: None };
            (StatusCode::SERVICE_UNAVAILABLE, Json(readiness))
        }
    }
}

/// Liveness.
#[derive(Debug, Serialize, ToSchema)]
pub struct Health {
    #[schema(example = "ok")]
    pub status: String,
}

/// Readiness and what it checked; and what a user's waiting job depends on, so that the app
/// can say why it waits and what makes the resumes.
#[derive(Debug, Serialize, ToSchema)]
pub struct Readiness {
    /// `ok` or `unavailable`.
    pub status: String,
    pub checks: Checks,
    /// The queues an operator paused (`priority_high`, `resume_generation`): their jobs wait,
    /// submissions are still accepted.
    pub paused_queues: Vec<String>,
    /// Whether a model is configured; false: the offline generator builds every resume from
    /// the candidate's data alone (no model call, no cost). Null when the server did not answer.
    pub model_configured: Option<bool>,
}

/// Each check of readiness: `ok` or `unavailable`; `server` only when it did not answer.
#[derive(Debug, Serialize, ToSchema)]
pub struct Checks {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub database: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub redis: Option<String>,
    /// Workers with a live heartbeat.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub workers: Option<i32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub server: Option<String>,
}
