//! Liveness and readiness.

use axum::{Json, extract::State, http::StatusCode};
use resume_proto::v1::{GetReadinessRequest, admin_service_client::AdminServiceClient};
use serde_json::{Value, json};

use super::AppState;

/// `GET /api/healthz`: the edge is up.
pub async fn healthz() -> Json<Value> {
    Json(json!({"status": "ok"}))
}

/// `GET /api/readyz`: the server, its database and Redis answer.
pub async fn readyz(State(state): State<AppState>) -> (StatusCode, Json<Value>) {
    let readiness = AdminServiceClient::new(state.channel).get_readiness(GetReadinessRequest {}).await;
    match readiness {
        Ok(response) => {
            let r = response.into_inner();
            let checks = json!({"database": r.database, "redis": r.redis, "workers": r.workers});
            if r.ready {
                (StatusCode::OK, Json(json!({"status": "ok", "checks": checks})))
            } else {
                (StatusCode::SERVICE_UNAVAILABLE, Json(json!({"status": "unavailable", "checks": checks})))
            }
        }
        Err(status) => {
            tracing::warn!(%status, "readiness: server unreachable");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(json!({"status": "unavailable", "checks": {"server": "unavailable"}})),
            )
        }
    }
}
