//! Liveness, readiness and the API's own description.

use std::time::Duration;

use axum::{Json, extract::State, http::StatusCode};
use resume_proto::v1::{GetReadinessRequest, readiness_service_client::ReadinessServiceClient};
use serde_json::{Value, json};

use super::AppState;

/// `GET /api/healthz`: the edge is up.
pub async fn healthz() -> Json<Value> {
    Json(json!({"status": "ok"}))
}

/// The OpenAPI 3.1 description of every route, kept beside the code in `edge/api/`.
pub const OPENAPI: &str = include_str!("../../api/openapi.json");

/// `GET /api/openapi.json`.
pub async fn openapi() -> ([(axum::http::HeaderName, &'static str); 1], &'static str) {
    ([(axum::http::header::CONTENT_TYPE, "application/json")], OPENAPI)
}

/// How long the edge waits for the server's readiness (which bounds its own checks
/// below this): `/api/readyz` answers within a second whatever is down.
const READINESS_DEADLINE: Duration = Duration::from_millis(900);

/// `GET /api/readyz`: the server, its database and Redis answer.
pub async fn readyz(State(state): State<AppState>) -> (StatusCode, Json<Value>) {
    let mut request = tonic::Request::new(GetReadinessRequest {});
    request.set_timeout(READINESS_DEADLINE);
    let mut client = ReadinessServiceClient::new(state.channel);
    let readiness = tokio::time::timeout(READINESS_DEADLINE, client.get_readiness(request))
        .await
        .unwrap_or_else(|_| Err(tonic::Status::deadline_exceeded("no answer in time")));
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_description_covers_every_route() {
        let doc: Value = serde_json::from_str(OPENAPI).expect("valid JSON");
        assert_eq!(doc["openapi"], "3.1.0");
        let routes = [
            ("get", "/api/healthz"),
            ("get", "/api/readyz"),
            ("get", "/api/openapi.json"),
            ("post", "/api/candidates"),
            ("get", "/api/candidates"),
            ("get", "/api/candidates/{id}"),
            ("post", "/api/candidates/{id}/jobs"),
            ("get", "/api/candidates/{id}/jobs"),
            ("post", "/api/resume-async/generate-async"),
            ("get", "/api/resume-async/job-status/{job_id}"),
            ("get", "/api/resume-async/download/{job_id}"),
            ("get", "/api/resume-async/my-jobs"),
            ("get", "/api/resume-async/job-events/{job_id}"),
            ("post", "/api/resume-async/cancel/{job_id}"),
            ("get", "/api/admin/queues"),
            ("get", "/api/admin/workers"),
            ("get", "/api/admin/stats"),
        ];
        for (method, path) in routes {
            assert!(doc["paths"][path][method].is_object(), "{method} {path} undocumented");
        }
        assert_eq!(doc["paths"].as_object().unwrap().len(), 15);
    }
}
