//! The resume service's gRPC API server.
//!
//! # Layout
//! - [`config`]: the typed configuration, read once at start.
//! - [`auth`]: the tower layer that verifies JWTs and enforces roles per call.
//! - [`oidc`]: an OpenID Connect issuer's access tokens, verified with its cached keys.
//! - [`api_limit`]: the per-user request limit, counted in Redis in leases.
//! - [`core`]: what the API does, free of any transport: candidates, jobs, worker tasks, admin.
//! - [`grpc`]: thin tonic adapters, one per service.
//! - [`db`]: sea-orm entities and the connection (migrations run at start).
//! - [`queue`]: pushing tasks onto the Redis lists workers take them from, reading queue
//!   depths and the workers' heartbeats.
//! - [`cache`]: the result cache, read at submit.
//! - [`events`]: job changes fanned out to every server's watchers through Redis pub/sub.
//! - [`error`]: the one error type and its mapping to `tonic::Status`.
//! - [`metrics`]: `/metrics` on `SERVER_METRICS_ADDR`: calls by RPC and code, jobs by queue
//!   and outcome, queue and dependency gauges.
//!
//! [`run`] serves the API on a bound listener until a shutdown signal; `main.rs` only
//! reads the configuration, binds and calls it.

pub mod api_limit;
pub mod auth;
pub mod cache;
pub mod config;
pub mod core;
pub mod db;
pub mod error;
pub mod events;
pub mod grpc;
pub mod metrics;
pub mod oidc;
pub mod queue;

use std::{sync::Arc, time::Duration};

use futures::FutureExt;
use resume_proto::{
    FILE_DESCRIPTOR_SET,
    v1::{
        admin_service_server::AdminServiceServer, batch_service_server::BatchServiceServer,
        candidate_service_server::CandidateServiceServer, opening_service_server::OpeningServiceServer,
        readiness_service_server::ReadinessServiceServer, resume_service_server::ResumeServiceServer,
        usage_service_server::UsageServiceServer, worker_service_server::WorkerServiceServer,
    },
};
use runtime::process::{Running, Shutdown, StartError};
use sea_orm::DatabaseConnection;
use tokio::net::TcpListener;
use tonic::transport::{Server, server::TcpIncoming};
use tower_http::cors::{AllowOrigin, CorsLayer};

pub use config::Config;

/// How long open streams (job watchers, downloads) may run on after a shutdown signal.
const DRAIN_DEADLINE: Duration = Duration::from_secs(10);

/// What every request handler shares.
pub struct AppState {
    /// The database, which holds the truth about every job.
    pub db: DatabaseConnection,
    /// The job path's writes (new jobs, transitions, results), committed in groups.
    pub writer: db::writer::Writer,
    /// Rows read by key, in groups.
    pub by_key: db::ByKey,
    /// Where new tasks are pushed and workers' heartbeats read.
    pub queue: queue::Dispatch,
    /// Finished resumes by request content.
    pub cache: cache::ResultCache,
    /// Job changes, published and watched.
    pub events: events::Events,
    /// What each model's tokens cost.
    pub prices: config::Prices,
    /// The monthly budget of a user without one of their own (`USER_MONTHLY_BUDGET_USD`);
    /// `None`: no budget.
    pub monthly_budget: Option<f64>,
    /// Workers ask a model (`OPENAI_API_KEY` is set): without one nothing costs anything,
    /// so no budget refuses anything.
    pub online: bool,
    /// How long finished jobs' files are kept (`None`: for good).
    pub retention: Option<chrono::TimeDelta>,
    /// What the job path counts for `/metrics`.
    pub metrics: metrics::JobMetrics,
    /// The largest file an import takes (`IMPORT_MAX_BYTES`).
    pub import_max_bytes: usize,
    /// The most items one batch takes (`BATCH_MAX_ITEMS`).
    pub batch_max_items: usize,
}

/// Connects the database (applying migrations) and Redis: the handlers' state and the
/// API's rate limit.
async fn connect(
    config: &Config,
    metrics: metrics::JobMetrics,
) -> Result<(Arc<AppState>, api_limit::ApiLimit), StartError> {
    let db = db::connect(&config.database_url).await?;
    let builder = config.shared.redis()?;
    let client = builder.build()?;
    fred::interfaces::ClientLike::init(&client).await?;
    let subscriber = builder.build_subscriber_client()?;
    fred::interfaces::ClientLike::init(&subscriber).await?;
    let keys = config.shared.keys();
    let events = events::Events::start(client.clone(), subscriber, keys.events_channel()).await?;
    let reuse = (config.content_reuse_days > 0).then(|| chrono::Duration::days(config.content_reuse_days.into()));
    let cache = cache::ResultCache::new(client.clone(), keys.clone(), config.generator(), reuse);
    let writer = db::writer::Writer::start(db.clone());
    let by_key = db::ByKey::start(&db);
    let refused = metrics.rate_limited.clone();
    let limit = api_limit::ApiLimit::new(client.clone(), keys.clone(), config.api_rate_limit_per_min, refused);
    let queue = queue::Dispatch::new(client, keys);
    let (prices, retention) = (config.prices(), config.retention());
    let (monthly_budget, online) = (config.monthly_budget(), config.openai_api_key.is_some());
    let (import_max_bytes, batch_max_items) = (config.import_max_bytes, config.batch_max_items);
    let state = AppState {
        db,
        writer,
        by_key,
        queue,
        cache,
        events,
        prices,
        monthly_budget,
        online,
        retention,
        metrics,
        import_max_bytes,
        batch_max_items,
    };
    Ok((Arc::new(state), limit))
}

/// Room in a message for what travels beside its largest bytes field.
const MESSAGE_MARGIN: usize = 64 * 1024;
/// How many times `IMPORT_MAX_BYTES` an import's message may be and still be read: one
/// over the limit is refused by the import's own check, which says so in words
/// ("an import takes at most … KiB"); only one past this many is refused by the transport,
/// as a message too large to decode.
const OVERSIZE_READ: usize = 4;

/// Serves the API on `listener` until `shutdown` completes, then drains open calls for
/// at most [`DRAIN_DEADLINE`]. See [`Shutdown`] for why the future comes boxed.
pub fn run(config: Config, listener: TcpListener, shutdown: Shutdown) -> Running {
    Box::pin(serve(config, listener, shutdown))
}

async fn serve(config: Config, listener: TcpListener, shutdown: Shutdown) -> Result<(), StartError> {
    // Every listener is bound before anything else starts: a taken address stops the server
    // at once, naming its variable, and no "listening" line is ever logged for a server
    // that cannot.
    let metrics_listener = runtime::listen::bind("SERVER_METRICS_ADDR", config.server_metrics_addr).await?;
    let metrics = metrics::Metrics::new();
    let (state, limit) = connect(&config, metrics.jobs.clone()).await?;
    let (health, health_service) = tonic_health::server::health_reporter();
    health.set_serving::<CandidateServiceServer<grpc::candidate::CandidateApi>>().await;
    health.set_serving::<ResumeServiceServer<grpc::resume::ResumeApi>>().await;
    health.set_serving::<AdminServiceServer<grpc::admin::AdminApi>>().await;
    health.set_serving::<OpeningServiceServer<grpc::opening::OpeningApi>>().await;
    health.set_serving::<BatchServiceServer<grpc::batch::BatchApi>>().await;
    health.set_serving::<UsageServiceServer<grpc::usage::UsageApi>>().await;
    health.set_serving::<ReadinessServiceServer<grpc::readiness::ReadinessApi>>().await;
    health.set_serving::<WorkerServiceServer<grpc::worker::WorkerApi>>().await;
    // Every served service is described, so grpcurl needs no .proto files at hand.
    let reflection = || {
        tonic_reflection::server::Builder::configure()
            .register_encoded_file_descriptor_set(FILE_DESCRIPTOR_SET)
            .register_encoded_file_descriptor_set(tonic_health::pb::FILE_DESCRIPTOR_SET)
            .register_encoded_file_descriptor_set(tonic_reflection::pb::v1::FILE_DESCRIPTOR_SET)
    };
    let reflection_v1 = reflection().build_v1()?;
    let reflection_v1alpha = reflection().build_v1alpha()?;

    let verifier = Arc::new(auth::Verifier::new(&config.shared.jwt_secret, oidc::Issuer::configured(&config.oidc))?);
    tokio::spawn({
        let verifier = verifier.clone();
        async move {
            if let Some(issuer) = verifier.issuer() {
                issuer.warm_up().await;
            }
        }
    });
    let cors = (!config.cors_allowed_origins.is_empty()).then(|| cors(&config.cors_allowed_origins));
    let router = Server::builder()
        .accept_http1(true)
        .layer(metrics.clone())
        .layer(runtime::trace::TraceLayer)
        .layer(tower::util::option_layer(cors))
        // gRPC-Web outside the token check, so that its refusals reach a browser as
        // gRPC-Web too (a plain gRPC answer is unreadable to a gRPC-Web client).
        .layer(tonic_web::GrpcWebLayer::new())
        .layer(auth::AuthLayer::new(verifier, limit))
        .add_service(
            CandidateServiceServer::new(grpc::candidate::CandidateApi { state: state.clone() })
                // An import's file travels in one message.
                .max_decoding_message_size(OVERSIZE_READ * config.import_max_bytes + MESSAGE_MARGIN),
        )
        .add_service(ResumeServiceServer::new(grpc::resume::ResumeApi { state: state.clone() }))
        .add_service(AdminServiceServer::new(grpc::admin::AdminApi { state: state.clone() }))
        .add_service(OpeningServiceServer::new(grpc::opening::OpeningApi { state: state.clone() }))
        .add_service(BatchServiceServer::new(grpc::batch::BatchApi { state: state.clone() }))
        .add_service(UsageServiceServer::new(grpc::usage::UsageApi { state: state.clone() }))
        .add_service(ReadinessServiceServer::new(grpc::readiness::ReadinessApi { state: state.clone() }))
        .add_service(WorkerServiceServer::new(grpc::worker::WorkerApi { state: state.clone() }))
        .add_service(health_service)
        .add_service(reflection_v1)
        .add_service(reflection_v1alpha);

    tracing::info!(addr = %listener.local_addr()?, "server listening");
    tracing::info!(addr = %metrics_listener.local_addr()?, "server metrics listening");
    let shutdown = shutdown.shared();
    tokio::spawn(core::recovery::watch_redis(state.clone(), shutdown.clone()));
    tokio::spawn(core::retention::run(state.clone(), shutdown.clone()));
    tokio::spawn(metrics.serve(metrics_listener, state, shutdown.clone()));
    // Without TCP_NODELAY a streamed reply (WatchJob) can wait out a 40 ms delayed ACK.
    let incoming = TcpIncoming::from(listener).with_nodelay(Some(true));
    let serve = router.serve_with_incoming_shutdown(incoming, shutdown.clone());
    runtime::process::drain(serve, shutdown, DRAIN_DEADLINE).await?;
    tracing::info!("server stopped");
    Ok(())
}

fn cors(origins: &[String]) -> CorsLayer {
    let origins: Vec<http::HeaderValue> = origins.iter().filter_map(|o| o.trim().parse().ok()).collect();
    CorsLayer::new()
        .allow_origin(AllowOrigin::list(origins))
        .allow_methods([http::Method::POST, http::Method::OPTIONS])
        .allow_headers(tower_http::cors::Any)
        .expose_headers([http::HeaderName::from_static("grpc-status"), http::HeaderName::from_static("grpc-message")])
}
