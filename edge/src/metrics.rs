//! The edge's `/metrics` (open, like the health routes): every request counted by route
//! and status, with its latency. The route is the matched path pattern with its method
//! (`GET /api/candidates/{id}`), `app` for the web app's files, `none` for no route.

use std::{sync::Arc, time::Instant};

use axum::{
    extract::{MatchedPath, Request, State},
    http::{HeaderMap, header},
    middleware::Next,
    response::{IntoResponse, Response},
};
use runtime::metrics::{MetricsRegistry as Registry, Requests, exposition};

/// The edge's registry and its request family.
#[derive(Clone)]
pub struct Metrics {
    registry: Arc<Registry>,
    requests: Requests,
}

impl Metrics {
    /// A registry with the edge's metrics.
    pub fn new() -> Metrics {
        let mut registry = Registry::default();
        let requests = Requests::register(&mut registry, "edge_http", "HTTP requests");
        Metrics { registry: Arc::new(registry), requests }
    }
}

impl Default for Metrics {
    fn default() -> Metrics {
        Metrics::new()
    }
}

/// Middleware: counts and times every request.
pub async fn observe(State(metrics): State<Metrics>, request: Request, next: Next) -> Response {
    // Only the standard methods by name: a client may send any token as a method.
    let method = match request.method().as_str() {
        known @ ("GET" | "POST" | "PUT" | "DELETE" | "PATCH" | "HEAD" | "OPTIONS") => known,
        _ => "OTHER",
    };
    let route = match request.extensions().get::<MatchedPath>().map(MatchedPath::as_str) {
        Some("/api" | "/api/{*rest}") => "none".to_owned(),
        Some(path) => format!("{method} {path}"),
        None if request.uri().path().starts_with("/api") => "none".to_owned(),
        None => "app".to_owned(),
    };
    let started = Instant::now();
    let response = next.run(request).await;
    metrics.requests.observe(&route, response.status().as_str(), started.elapsed());
    response
}

/// `GET /metrics`: the text, in the format the scraper asks for.
pub async fn scrape(State(metrics): State<Metrics>, headers: HeaderMap) -> impl IntoResponse {
    exposition(&metrics.registry, headers.get(header::ACCEPT))
}
