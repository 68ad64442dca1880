//! The server's `/metrics`, on `SERVER_METRICS_ADDR`: every gRPC call counted by RPC and
//! gRPC code, with its latency (to the response's headers: a stream's length is not the
//! call's cost); jobs submitted and finished by queue and outcome, with their queue wait and
//! run times; cache lookups, API rate-limit refusals and recoveries as they happen; and,
//! read at each scrape, queue depths, running jobs, paused queues, live workers and whether
//! the database and Redis answer (the same for every server: aggregate them with `max`).
//! Labels are bounded: an RPC the server does not serve is counted as `unknown`, so that no
//! caller can grow the label set; queues, outcomes and causes are fixed names.

use std::{
    sync::Arc,
    task::{Context, Poll},
    time::Instant,
};

use axum::{
    Router,
    http::{HeaderMap, header},
    routing::get,
};
use chrono::{DateTime, Utc};
use futures::{FutureExt, future::BoxFuture};
use prometheus_client::{
    encoding::EncodeLabelSet,
    metrics::{
        counter::Counter,
        family::Family,
        gauge::Gauge,
        histogram::{Histogram, exponential_buckets},
    },
};
use resume_proto::{job::JobStatus, redis::keys::Queue};
use runtime::metrics::{CacheLookups, MetricsRegistry, Requests, exposition};
use tokio::net::TcpListener;
use tower::{Layer, Service};

use crate::{AppState, core::admin, db::resume_job};

/// The server's registry, its request family and its job metrics.
#[derive(Clone)]
pub struct Metrics {
    registry: Arc<MetricsRegistry>,
    requests: Requests,
    /// What the API's handlers count.
    pub jobs: JobMetrics,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct QueueLabels {
    queue: &'static str,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct OutcomeLabels {
    queue: &'static str,
    /// `success`, `failure` or `cancelled`.
    outcome: &'static str,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct CauseLabels {
    /// `redis_data_loss` or `lost_worker`.
    cause: &'static str,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct DependencyLabels {
    /// `database` or `redis`.
    dependency: &'static str,
}

/// A family of histograms with the same buckets.
type Histograms<L> = Family<L, Histogram, fn() -> Histogram>;

/// Job times, from 50 ms to about 27 minutes.
fn job_seconds() -> Histogram {
    Histogram::new(exponential_buckets(0.05, 2.0, 16))
}

/// What the job path counts, and the gauges each scrape reads.
#[derive(Clone)]
pub struct JobMetrics {
    submitted: Family<QueueLabels, Counter>,
    finished: Family<OutcomeLabels, Counter>,
    queue_wait: Histograms<QueueLabels>,
    run: Histograms<QueueLabels>,
    /// The result cache at submit, the stored contents at claim.
    pub lookups: CacheLookups,
    /// Requests the API's per-user rate limit refused.
    pub rate_limited: Counter,
    recovered: Family<CauseLabels, Counter>,
    lost_workers: Counter,
    depth: Family<QueueLabels, Gauge>,
    in_flight: Family<QueueLabels, Gauge>,
    paused: Family<QueueLabels, Gauge>,
    workers: Gauge,
    up: Family<DependencyLabels, Gauge>,
}

impl JobMetrics {
    fn register(registry: &mut MetricsRegistry) -> JobMetrics {
        let histograms = || Family::new_with_constructor(job_seconds as fn() -> Histogram);
        let metrics = JobMetrics {
            submitted: Family::default(),
            finished: Family::default(),
            queue_wait: histograms(),
            run: histograms(),
            lookups: CacheLookups::register(registry, "resume_cache_lookups"),
            rate_limited: Counter::default(),
            recovered: Family::default(),
            lost_workers: Counter::default(),
            depth: Family::default(),
            in_flight: Family::default(),
            paused: Family::default(),
            workers: Gauge::default(),
            up: Family::default(),
        };
        let m = metrics.clone();
        registry.register("resume_jobs_submitted", "Jobs submitted, by queue", m.submitted);
        registry.register("resume_jobs_finished", "Jobs ended, by queue and outcome", m.finished);
        registry.register(
            "resume_job_queue_wait_seconds",
            "Time from submission to a worker's first claim, by queue",
            m.queue_wait,
        );
        registry.register(
            "resume_job_run_seconds",
            "Time from the first claim to the end (success or failure), by queue",
            m.run,
        );
        registry.register("resume_api_rate_limited", "Requests refused by the per-user rate limit", m.rate_limited);
        registry.register("resume_recovered_jobs", "Jobs queued again after a failure, by cause", m.recovered);
        registry.register("resume_lost_workers", "Workers found dead by another worker", m.lost_workers);
        registry.register("resume_queue_depth", "Tasks waiting in each queue's Redis list", m.depth);
        registry.register("resume_jobs_in_flight", "Jobs being processed, by queue", m.in_flight);
        registry.register("resume_queue_paused", "1 when the queue is paused", m.paused);
        registry.register("resume_workers_live", "Workers with a live heartbeat", m.workers);
        registry.register("resume_dependency_up", "1 when the database or Redis answers", m.up);
        // Every label value is there from the start, at zero: a rate over a series that
        // appears only with its first event misses that event.
        for queue in Queue::ALL {
            let _ = metrics.submitted.get_or_create(&QueueLabels { queue: queue.name() });
            for outcome in ["success", "failure", "cancelled"] {
                let _ = metrics.finished.get_or_create(&OutcomeLabels { queue: queue.name(), outcome });
            }
        }
        for cause in ["redis_data_loss", "lost_worker"] {
            let _ = metrics.recovered.get_or_create(&CauseLabels { cause });
        }
        metrics
    }

    /// Counts a job stored for `queue`.
    pub fn submitted(&self, queue: Queue) {
        self.submitted.get_or_create(&QueueLabels { queue: queue.name() }).inc();
    }

    /// Counts a job claimed for the first time, with how long it waited.
    pub fn claimed(&self, row: &resume_job::Model) {
        if row.attempts == 1 {
            let waited = seconds_between(row.created_at, row.started_at.unwrap_or_else(Utc::now));
            self.queue_wait.get_or_create(&QueueLabels { queue: row.queue().name() }).observe(waited);
        }
    }

    /// Counts `row` if it has just ended; with its run time when a worker ran it.
    pub fn ended(&self, row: &resume_job::Model) {
        let outcome = match row.status {
            JobStatus::Success => "success",
            JobStatus::Failure => "failure",
            JobStatus::Cancelled => "cancelled",
            JobStatus::Pending | JobStatus::Processing => return,
        };
        let queue = row.queue().name();
        self.finished.get_or_create(&OutcomeLabels { queue, outcome }).inc();
        if let (Some(started), Some(ended), "success" | "failure") = (row.started_at, row.completed_at, outcome) {
            self.run.get_or_create(&QueueLabels { queue }).observe(seconds_between(started, ended));
        }
    }

    /// Counts `jobs` queued again after Redis lost its data.
    pub fn requeued_after_data_loss(&self, jobs: usize) {
        self.recovered.get_or_create(&CauseLabels { cause: "redis_data_loss" }).inc_by(jobs as u64);
    }

    /// Counts a lost worker and the `jobs` of its tasks, which go back to their queues.
    pub fn worker_lost(&self, jobs: usize) {
        self.lost_workers.inc();
        self.recovered.get_or_create(&CauseLabels { cause: "lost_worker" }).inc_by(jobs as u64);
    }

    /// Reads what the gauges show: readiness, then (when both answer) the queues.
    async fn sample(&self, state: &AppState) {
        let ready = admin::readiness(state).await;
        let up = |answer: &str| i64::from(answer == "ok");
        self.up.get_or_create(&DependencyLabels { dependency: "database" }).set(up(&ready.database));
        self.up.get_or_create(&DependencyLabels { dependency: "redis" }).set(up(&ready.redis));
        self.workers.set(ready.workers.into());
        if !ready.ready {
            return;
        }
        match admin::queues(state).await {
            Ok(queues) => {
                for queue in queues {
                    let Some(named) = Queue::named(&queue.name) else { continue };
                    let labels = QueueLabels { queue: named.name() };
                    self.depth.get_or_create(&labels).set(queue.pending);
                    self.in_flight.get_or_create(&labels).set(queue.in_progress);
                    self.paused.get_or_create(&labels).set(queue.paused.into());
                }
            }
            Err(error) => tracing::warn!(%error, "metrics: could not read the queues"),
        }
    }
}

/// Seconds from `from` to `to`, never negative.
fn seconds_between(from: DateTime<Utc>, to: DateTime<Utc>) -> f64 {
    ((to - from).num_milliseconds().max(0) as f64) / 1000.0
}

impl Metrics {
    /// A registry with the server's metrics.
    pub fn new() -> Metrics {
        let mut registry = MetricsRegistry::default();
        let requests = Requests::register(&mut registry, "server_grpc", "gRPC calls");
        let jobs = JobMetrics::register(&mut registry);
        Metrics { registry: Arc::new(registry), requests, jobs }
    }

    /// Serves `/metrics` on `listener` until `stop` completes; each scrape reads the gauges
    /// from `state` first.
    pub async fn serve(
        self,
        listener: TcpListener,
        state: Arc<AppState>,
        stop: impl Future<Output = ()> + Send + 'static,
    ) {
        let app = Router::new().route(
            "/metrics",
            get(move |headers: HeaderMap| {
                let (metrics, state) = (self.clone(), state.clone());
                async move {
                    metrics.jobs.sample(&state).await;
                    exposition(&metrics.registry, headers.get(header::ACCEPT))
                }
            }),
        );
        if let Err(error) = axum::serve(listener, app).with_graceful_shutdown(stop).await {
            tracing::error!(%error, "metrics endpoint failed");
        }
    }
}

impl Default for Metrics {
    fn default() -> Metrics {
        Metrics::new()
    }
}

impl<S> Layer<S> for Metrics {
    type Service = Counted<S>;

    fn layer(&self, inner: S) -> Counted<S> {
        Counted { inner, requests: self.requests.clone() }
    }
}

/// A service whose calls [`Metrics`] counts.
#[derive(Clone)]
pub struct Counted<S> {
    inner: S,
    requests: Requests,
}

impl<S, B, ResBody> Service<http::Request<B>> for Counted<S>
where
    S: Service<http::Request<B>, Response = http::Response<ResBody>>,
    S::Future: Send + 'static,
{
    type Response = S::Response;
    type Error = S::Error;
    type Future = BoxFuture<'static, Result<S::Response, S::Error>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: http::Request<B>) -> Self::Future {
        let path = request.uri().path();
        let route = if crate::auth::is_served(path) { path.to_owned() } else { "unknown".to_owned() };
        let (requests, started) = (self.requests.clone(), Instant::now());
        let response = self.inner.call(request);
        async move {
            let response = response.await?;
            // An error answered at once carries its code in the headers (trailers-only);
            // otherwise the call went on, and its code comes in the trailers.
            let code = response
                .headers()
                .get("grpc-status")
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.parse::<i32>().ok())
                .map_or(tonic::Code::Ok, tonic::Code::from);
            requests.observe(&route, &format!("{code:?}"), started.elapsed());
            Ok(response)
        }
        .boxed()
    }
}
