//! The REST/JSON edge: the contract's `/api` routes, each transcoded 1:1 to a gRPC call
//! on the server. No business logic lives here: validation, auth and data are the
//! server's; the edge shapes JSON, maps status codes and passes the bearer token on
//! (asking only that a route needing one has one).
//!
//! # Layout
//! - [`config`]: the typed configuration.
//! - [`routes`]: one module per route group, each handler one gRPC call, with the group's
//!   JSON shapes and their conversions to protobuf beside it.
//! - [`json`]: what the groups' JSON shares: times, strict integers and objects, paging.
//! - [`extract`]: strict body, query and path parsing with field-named errors.
//! - [`bearer`]: a route that needs a token is answered 401 without one, before it reads
//!   its request.
//! - [`error`]: the error body, the error sets routes document, and the
//!   gRPC-code-to-HTTP table.
//! - [`openapi`]: the OpenAPI document, generated from the routes.
//! - [`metrics`]: `/metrics`, every request counted by route and status.
//! - [`trace`]: each request's W3C trace context, continued to the servers and answered.
//! - [`web`]: the built web app at `/`, and the security headers of every response.

pub mod bearer;
pub mod config;
pub mod error;
pub mod extract;
pub mod json;
pub mod metrics;
pub mod openapi;
pub mod routes;
pub mod trace;
pub mod web;

use std::{path::Path, time::Duration};

use axum::{
    Router,
    extract::{DefaultBodyLimit, Request},
    http::{HeaderValue, Method, StatusCode, header},
    middleware,
    routing::{any, get},
    serve::ListenerExt,
};
use futures::FutureExt;
use runtime::process::{Running, Shutdown, StartError};
use tokio::{net::TcpListener, sync::watch};
use tonic::transport::Channel;
use tower_http::{
    cors::{AllowOrigin, CorsLayer},
    trace::TraceLayer,
};
use utoipa::OpenApi as _;
use utoipa_axum::{router::OpenApiRouter, routes};

pub use config::Config;
use error::ApiError;
use routes::{AppState, admin, auth, batches, candidates, health, imports, openings, resume, usage};

/// How long open calls (event streams, downloads) may run on after a shutdown signal
/// before the edge closes them and exits.
const DRAIN_DEADLINE: Duration = Duration::from_secs(5);

/// Every `/api` route with its OpenAPI description, in the document's frame.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(openapi::Frame::openapi())
        .routes(routes!(health::healthz))
        .routes(routes!(health::readyz))
        .routes(routes!(health::openapi))
        .routes(routes!(auth::config))
        .routes(routes!(imports::create, imports::list))
        .routes(routes!(imports::get, imports::delete))
        .routes(routes!(imports::events))
        .routes(routes!(candidates::create, candidates::list))
        .routes(routes!(candidates::get, candidates::update, candidates::delete))
        .routes(routes!(candidates::create_job, candidates::list_jobs))
        .routes(routes!(candidates::update_job, candidates::delete_job))
        .routes(routes!(resume::generate))
        .routes(routes!(resume::status))
        .routes(routes!(resume::download))
        .routes(routes!(resume::my_jobs))
        .routes(routes!(resume::events))
        .routes(routes!(resume::cancel))
        .routes(routes!(resume::content))
        .routes(routes!(resume::match_report))
        .routes(routes!(resume::render))
        .routes(routes!(openings::create, openings::list))
        .routes(routes!(openings::get, openings::update, openings::delete))
        .routes(routes!(batches::create_for_opening))
        .routes(routes!(batches::create, batches::list))
        .routes(routes!(batches::get))
        .routes(routes!(batches::events))
        .routes(routes!(batches::cancel))
        .routes(routes!(batches::retry_failed))
        .routes(routes!(batches::download))
        .routes(routes!(batches::estimate_for_opening))
        .routes(routes!(batches::estimate_pairs))
        .routes(routes!(usage::mine))
        .routes(routes!(admin::queues))
        .routes(routes!(admin::workers))
        .routes(routes!(admin::stats))
        .routes(routes!(admin::jobs))
        .routes(routes!(admin::job))
        .routes(routes!(admin::retry))
        .routes(routes!(admin::cancel))
        .routes(routes!(admin::bulk))
        .routes(routes!(admin::pause))
        .routes(routes!(admin::resume))
        .routes(routes!(admin::errors))
        .routes(routes!(admin::audit))
        .routes(routes!(admin::history))
        .routes(routes!(admin::events))
        .routes(routes!(admin::spending))
        .routes(routes!(admin::set_budget))
        .routes(routes!(admin::batches))
}

/// An `/api` path no route has: the contract's error body, not the web app.
async fn no_route(method: Method, uri: axum::http::Uri) -> ApiError {
    ApiError::new(StatusCode::NOT_FOUND, "NOT_FOUND", format!("no route {method} {}", uri.path()))
}

/// The edge's routes over a channel to the servers, with the web app in `web_dir` at `/`
/// signing in with the issuer `oidc` names, if any; event streams end once `stopping` turns true.
pub fn app(
    channel: Channel,
    cors_origins: &[String],
    web_dir: &Path,
    stopping: watch::Receiver<bool>,
    import_max_bytes: usize,
    oidc: &runtime::oidc::Settings,
) -> Router {
    let auth = std::sync::Arc::new(auth::AuthConfig::from(oidc));
    let (api, document) = routes().split_for_parts();
    let api = api
        // Before any route reads its path, query or body: a missing token is answered first.
        .route_layer(middleware::from_fn_with_state(bearer::OpenRoutes::of(&document), bearer::required))
        .route("/api", any(no_route))
        .route("/api/{*rest}", any(no_route))
        .method_not_allowed_fallback(|method: Method, uri: axum::http::Uri| async move {
            ApiError::new(
                StatusCode::METHOD_NOT_ALLOWED,
                "UNIMPLEMENTED",
                format!("{method} is not allowed on {}", uri.path()),
            )
        })
        // An import's upload is the largest body; every JSON body is held to its own limit.
        .layer(DefaultBodyLimit::max(extract::MAX_BODY.max(import_max_bytes) + 64 * 1024))
        .with_state(AppState { channel, stopping, import_max_bytes, auth });
    let api = if cors_origins.is_empty() { api } else { api.layer(cors(cors_origins)) };
    let metrics = metrics::Metrics::new();
    let api = api.route("/metrics", get(metrics::scrape).with_state(metrics.clone()));
    web::security_headers(web::with_app(api, web_dir), oidc.issuer_origin().as_deref())
        .layer(middleware::from_fn_with_state(metrics, metrics::observe))
        // Failures logged in the request's span, which `trace` made.
        .layer(TraceLayer::new_for_http().make_span_with(|_: &Request| tracing::Span::current()))
        .layer(middleware::from_fn(trace::continue_trace))
}

fn cors(origins: &[String]) -> CorsLayer {
    let origins: Vec<HeaderValue> = origins.iter().filter_map(|o| o.trim().parse().ok()).collect();
    CorsLayer::new()
        .allow_origin(AllowOrigin::list(origins))
        .allow_methods([Method::GET, Method::POST, Method::PUT, Method::DELETE, Method::OPTIONS])
        .allow_headers([header::AUTHORIZATION, header::CONTENT_TYPE])
        .expose_headers([header::CONTENT_DISPOSITION, header::RETRY_AFTER])
        .max_age(Duration::from_secs(600))
}

/// Serves the edge on `listener` until `shutdown` completes. See [`Shutdown`] for why the
/// future comes boxed.
pub fn run(config: Config, listener: TcpListener, shutdown: Shutdown) -> Running {
    Box::pin(serve(config, listener, shutdown))
}

async fn serve(config: Config, listener: TcpListener, shutdown: Shutdown) -> Result<(), StartError> {
    let (stop, stopping) = watch::channel(false);
    let channel = runtime::client::balanced(&config.server_url)?;
    web::warn_if_not_built(&config.web_dir);
    let app = app(
        channel,
        &config.cors_allowed_origins,
        &config.web_dir,
        stopping.clone(),
        config.import_max_bytes,
        &config.oidc,
    );
    tracing::info!(addr = %listener.local_addr()?, "edge listening");
    let listener = listener.tap_io(|tcp| {
        // Small responses and SSE events go out at once.
        let _ = tcp.set_nodelay(true);
    });
    tokio::spawn(async move {
        shutdown.await;
        let _ = stop.send(true);
    });
    let stopped = routes::stopped(stopping).boxed().shared();
    let serve = axum::serve(listener, app).with_graceful_shutdown(stopped.clone());
    runtime::process::drain(serve.into_future(), stopped, DRAIN_DEADLINE).await?;
    tracing::info!("edge stopped");
    Ok(())
}
