//! The resume worker: takes tasks off Redis, builds each resume and reports back to the
//! server over gRPC.
//!
//! # Layout
//! - [`config`]: the typed configuration, read once at start.
//! - [`redis`]: the worker's side of Redis, a module per job: the crash-safe task lists,
//!   the registry and heartbeat, the result cache, generation locks, the task limit.
//! - [`report`]: the gRPC client of the server's `WorkerService`, with the worker token.
//! - [`model`]: what a resume says, and the generator that writes it (and reads one).
//! - [`import`]: an uploaded resume read into a candidate draft.
//! - [`render`]: the resume as a DOCX or PDF file.
//! - [`pipeline`]: one task from claim to hand-over.
//! - [`stats`]: the metrics of `/metrics` (slots, tasks, model calls, caches, recoveries),
//!   which the heartbeat reports too.
//!
//! [`run`] takes tasks until a shutdown signal, then finishes what it holds (or hands it
//! back) and leaves the registry.

pub mod config;
pub mod import;
pub mod model;
pub mod pipeline;
pub mod redis;
pub mod render;
pub mod report;
pub mod stats;

use std::{future::Future, sync::Arc, time::Duration};

use axum::{Router, routing::get};
use runtime::{
    process::{Running, Shutdown, StartError},
    rate::RateLimit,
};
use tokio::{
    net::TcpListener,
    sync::{Semaphore, watch},
    task::JoinSet,
};

pub use config::Config;

/// How often a worker renews its heartbeat.
const HEARTBEAT_EVERY: Duration = Duration::from_secs(3);
/// How long an idle worker waits before looking again without a wake-up.
const IDLE_RECHECK: Duration = Duration::from_secs(1);
/// How often due retries are moved back to their queues.
const PROMOTE_EVERY: Duration = Duration::from_millis(100);
/// How often the registry is checked for dead workers whose tasks need a new home.
const RECOVER_EVERY: Duration = Duration::from_secs(2);
/// How long running tasks may take to finish after a shutdown signal.
const DRAIN_DEADLINE: Duration = Duration::from_secs(30);

/// Runs the worker until `shutdown` completes. See [`Shutdown`] for why the future comes
/// boxed.
pub fn run(config: Config, shutdown: Shutdown) -> Running {
    Box::pin(work(config, shutdown))
}

async fn work(config: Config, shutdown: Shutdown) -> Result<(), StartError> {
    // Bound before anything else starts: a taken address stops the worker at once, naming
    // its variable.
    let metrics = runtime::listen::bind("WORKER_METRICS_ADDR", config.metrics_addr).await?;
    let worker_id = config.worker_id();
    let host = config::host_name();
    let keys = config.shared.keys();
    // Only a generator that calls a model spends the model's quota.
    let task_limit =
        RateLimit::per_minute(if config.openai_api_key.is_some() { config.task_rate_limit_per_min } else { 0 });
    let builder = config.shared.redis()?;
    let redis = redis::Redis::connect(&builder, keys, &worker_id, task_limit).await?;
    let token = report::WorkerToken::new(&config.shared.jwt_secret, &worker_id)?;
    let reporter = report::Reporter::new(runtime::client::balanced(&config.server_url)?, token, &worker_id);
    let stats = Arc::new(stats::Stats::new(config.concurrency));
    let generator: Box<dyn model::Generator> = match &config.openai_api_key {
        Some(api_key) => {
            let settings = model::openai::OpenAiSettings {
                base_url: config.openai_base_url.clone(),
                api_key: api_key.clone(),
                model: config.openai_model.clone(),
                max_parallel_calls: config.model_max_parallel_calls,
                stream: config.model_stream,
            };
            Box::new(model::openai::OpenAi::new(&settings, stats.model.clone())?)
        }
        None => Box::new(model::offline::Offline),
    };
    let retry = pipeline::RetryPolicy {
        base_delay: Duration::from_millis(config.retry_base_delay_ms),
        max_attempts: config.max_attempts,
    };
    let cache_ttl = (config.result_cache_ttl_secs > 0).then(|| Duration::from_secs(config.result_cache_ttl_secs));
    let model = config
        .openai_api_key
        .as_ref()
        .map_or(resume_proto::job::OFFLINE_MODEL, |_| config.openai_model.as_str())
        .to_owned();
    let ctx = Arc::new(pipeline::Context { redis, reporter, generator, model, retry, cache_ttl, stats: stats.clone() });
    // Fonts and template load once, before the first task waits for them.
    tokio::task::spawn_blocking(render::pdf::warm_up);

    let (stop_tx, stop) = watch::channel(false);
    tokio::spawn(async move {
        shutdown.await;
        let _ = stop_tx.send(true);
    });

    // An earlier run under this id may have died holding tasks: they go back first.
    let leftovers = ctx.redis.tasks.return_own().await?;
    stats.recovered.inc_by(leftovers as u64);
    if leftovers > 0 {
        tracing::warn!(%worker_id, tasks = leftovers, "returned the tasks an earlier run left in flight");
    }
    tracing::info!(%worker_id, metrics = %metrics.local_addr()?, concurrency = config.concurrency, "worker started");
    tokio::spawn(serve_metrics(metrics, stats.clone(), stop.clone()));
    let c = ctx.clone();
    tokio::spawn(every(HEARTBEAT_EVERY, "heartbeat", stop.clone(), move || {
        let (c, host) = (c.clone(), host.clone());
        async move { c.redis.registry.heartbeat(&host, &c.stats).await }
    }));
    let c = ctx.clone();
    tokio::spawn(every(PROMOTE_EVERY, "promoting due retries", stop.clone(), move || {
        let c = c.clone();
        async move { c.redis.tasks.promote_due().await }
    }));
    let c = ctx.clone();
    tokio::spawn(every(RECOVER_EVERY, "looking for dead workers", stop.clone(), move || {
        let c = c.clone();
        async move {
            let returned = c.redis.registry.recover_dead_workers(&c.redis.tasks, &c.reporter).await?;
            c.stats.recovered.inc_by(returned as u64);
            Ok(())
        }
    }));

    let mut running = take_tasks(&ctx, config.concurrency, stop).await;
    let drained = tokio::time::timeout(DRAIN_DEADLINE, async { while running.join_next().await.is_some() {} }).await;
    if drained.is_err() {
        tracing::warn!("drain deadline passed; handing back unfinished tasks");
        running.abort_all();
    }
    ctx.redis.tasks.return_own().await?;
    ctx.redis.registry.deregister().await?;
    tracing::info!(%worker_id, "worker stopped");
    Ok(())
}

/// Takes tasks while a slot is free, until `stop`; returns the tasks still running.
async fn take_tasks(ctx: &Arc<pipeline::Context>, concurrency: usize, mut stop: watch::Receiver<bool>) -> JoinSet<()> {
    let slots = Arc::new(Semaphore::new(concurrency));
    let mut running = JoinSet::new();
    while !*stop.borrow() {
        let permit = tokio::select! {
            permit = slots.clone().acquire_owned() => permit.expect("the semaphore is never closed"),
            _ = stop.changed() => break,
        };
        while running.try_join_next().is_some() {}
        match ctx.redis.tasks.take().await {
            Ok(Some(raw)) => {
                let ctx = ctx.clone();
                running.spawn(async move {
                    pipeline::process(&ctx, raw).await;
                    drop(permit);
                });
            }
            Ok(None) => {
                drop(permit);
                tokio::select! {
                    () = ctx.redis.tasks.wait_for_work(IDLE_RECHECK) => {}
                    _ = stop.changed() => break,
                }
            }
            Err(error) => {
                drop(permit);
                tracing::error!(%error, "could not take a task; retrying");
                tokio::select! {
                    () = tokio::time::sleep(IDLE_RECHECK) => {}
                    _ = stop.changed() => break,
                }
            }
        }
    }
    running
}

/// Runs `chore` every `period` until `stop`; a failure is logged as `what` and the
/// chore runs again at its next turn.
async fn every<F, Fut, T>(period: Duration, what: &'static str, mut stop: watch::Receiver<bool>, chore: F)
where
    F: Fn() -> Fut,
    Fut: Future<Output = Result<T, fred::error::Error>>,
{
    loop {
        if let Err(error) = chore().await {
            tracing::warn!(%error, "{what} failed");
        }
        tokio::select! {
            () = tokio::time::sleep(period) => {}
            _ = stop.changed() => return,
        }
    }
}

/// Serves `/metrics` (Prometheus text) and `/healthz` until `stop`.
async fn serve_metrics(listener: TcpListener, stats: Arc<stats::Stats>, mut stop: watch::Receiver<bool>) {
    let app = Router::new()
        .route(
            "/metrics",
            get(move |headers: axum::http::HeaderMap| async move {
                runtime::metrics::exposition(stats.registry(), headers.get(axum::http::header::ACCEPT))
            }),
        )
        .route("/healthz", get(|| async { axum::Json(serde_json::json!({"status": "ok"})) }));
    let stopped = async move {
        let _ = stop.wait_for(|stopped| *stopped).await;
    };
    if let Err(error) = axum::serve(listener, app).with_graceful_shutdown(stopped).await {
        tracing::error!(%error, "metrics endpoint failed");
    }
}
