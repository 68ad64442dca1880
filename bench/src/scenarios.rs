//! The scenarios: closed-loop load at a fixed concurrency for a fixed time (submit,
//! status), batches of jobs run to completion (end to end), and cache-hit latency.

use std::{
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use anyhow::{Context as _, Result, bail, ensure};
use futures::StreamExt;
use hdrhistogram::Histogram;
use resume_proto::v1::{self, resume_service_client::ResumeServiceClient};
use serde::Serialize;
use serde_json::{Value, json};
use tonic::{Request, transport::Channel};

/// What to run.
#[derive(clap::Args)]
pub struct Args {
    /// rest-submit, grpc-submit, rest-status, e2e or cache-hit.
    scenario: String,
    /// A name for the result row (defaults to the scenario).
    #[arg(long)]
    label: Option<String>,
    #[arg(long, default_value = "http://127.0.0.1:8080")]
    edge: String,
    #[arg(long, default_value = "http://127.0.0.1:50051")]
    server: String,
    #[arg(long, env = "JWT_SECRET", hide_env_values = true)]
    jwt_secret: String,
    #[arg(long, default_value_t = 64)]
    concurrency: usize,
    /// How long the closed-loop scenarios run.
    #[arg(long, default_value_t = 10)]
    seconds: u64,
    /// How many jobs an end-to-end scenario runs.
    #[arg(long, default_value_t = 500)]
    jobs: usize,
    /// `word` or `pdf`.
    #[arg(long, default_value = "word")]
    file_type: String,
}

/// One measurement.
#[derive(Debug, Serialize)]
pub struct Outcome {
    pub label: String,
    pub concurrency: usize,
    pub requests: u64,
    pub errors: u64,
    pub seconds: f64,
    pub throughput: f64,
    pub p50_ms: f64,
    pub p95_ms: f64,
    pub p99_ms: f64,
    pub max_ms: f64,
    /// The load generator's own CPU use over the run, in % of one core.
    pub loadgen_cpu_pct: f64,
}

/// Latencies and errors gathered by every client task.
struct Tally {
    histogram: Histogram<u64>,
    errors: u64,
}

impl Tally {
    fn new() -> Tally {
        Tally { histogram: Histogram::new_with_bounds(1, 60_000_000, 3).expect("bounds"), errors: 0 }
    }

    fn record(&mut self, elapsed: Duration, ok: bool) {
        if ok {
            let _ = self.histogram.record(elapsed.as_micros().max(1) as u64);
        } else {
            self.errors += 1;
        }
    }
}

fn token(secret: &str, sub: &str, roles: &[&str]) -> String {
    let claims = json!({"sub": sub, "exp": chrono::Utc::now().timestamp() + 3600, "roles": roles});
    test_support::fixtures::sign(secret, &claims)
}

/// CPU seconds this process has used (user + system), from /proc.
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let fields: Vec<&str> = stat.rsplit(')').next().unwrap_or_default().split_whitespace().collect();
    let ticks = |i: usize| fields.get(i).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0);
    (ticks(11) + ticks(12)) / 100.0
}

/// Runs the scenario `args` names.
pub async fn run(args: Args) -> Result<Outcome> {
    let label = args.label.clone().unwrap_or_else(|| args.scenario.clone());
    let user = format!("bench-{}", chrono::Utc::now().timestamp_micros());
    let bearer = token(&args.jwt_secret, &user, &[]);
    let http = reqwest::Client::builder().pool_max_idle_per_host(args.concurrency).build()?;
    let candidate = create_candidate(&http, &args.edge, &bearer).await?;
    // Every end-to-end job is unique content (its own target job), so none is a cache hit.
    let targets = match args.scenario.as_str() {
        "e2e" => create_targets(&args, &http, &bearer, candidate).await?,
        _ => Vec::new(),
    };
    let cpu_before = cpu_seconds();
    let started = Instant::now();
    let tally = match args.scenario.as_str() {
        "rest-submit" => {
            let body = json!({"candidate_id": candidate, "file_type": args.file_type});
            let url = format!("{}/api/resume-async/generate-async", args.edge);
            closed_loop(&args, move |_| {
                let (http, url, bearer, body) = (http.clone(), url.clone(), bearer.clone(), body.clone());
                async move {
                    let response = http.post(url).bearer_auth(bearer).json(&body).send().await?;
                    Ok(response.status() == 202)
                }
            })
            .await
        }
        "rest-status" => {
            let job = submit(&http, &args.edge, &bearer, candidate, None, &args.file_type).await?;
            let url =
                format!("{}/api/resume-async/job-status/{}", args.edge, job["job_id"].as_str().unwrap_or_default());
            closed_loop(&args, move |_| {
                let (http, url, bearer) = (http.clone(), url.clone(), bearer.clone());
                async move { Ok(http.get(url).bearer_auth(bearer).send().await?.status() == 200) }
            })
            .await
        }
        "grpc-submit" => {
            let channels = channels(&args.server, 4).await?;
            let file_type = args.file_type.clone();
            closed_loop(&args, move |i| {
                let mut client = ResumeServiceClient::new(channels[i % channels.len()].clone());
                let request = authed(
                    &bearer,
                    v1::GenerateResumeRequest {
                        candidate_id: candidate,
                        file_type: Some(file_type.clone()),
                        ..Default::default()
                    },
                );
                async move { Ok(client.generate_resume(request).await.is_ok()) }
            })
            .await
        }
        "e2e" => end_to_end(&args, &http, &bearer, candidate, targets).await?,
        "cache-hit" => cache_hit(&args, &http, &bearer, candidate).await?,
        other => bail!("unknown scenario {other:?}"),
    };
    let seconds = started.elapsed().as_secs_f64();
    let cpu = cpu_seconds() - cpu_before;
    let h = &tally.histogram;
    let ms = |q: f64| h.value_at_quantile(q) as f64 / 1000.0;
    let requests = h.len();
    Ok(Outcome {
        label,
        concurrency: args.concurrency,
        requests,
        errors: tally.errors,
        seconds,
        throughput: requests as f64 / seconds,
        p50_ms: ms(0.5),
        p95_ms: ms(0.95),
        p99_ms: ms(0.99),
        max_ms: h.max() as f64 / 1000.0,
        loadgen_cpu_pct: 100.0 * cpu / seconds,
    })
}

/// `concurrency` tasks, each calling `call` back to back until the time is up.
async fn closed_loop<F, Fut>(args: &Args, call: F) -> Tally
where
    F: Fn(usize) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<bool>> + Send,
{
    let call = Arc::new(call);
    let tally = Arc::new(Mutex::new(Tally::new()));
    let deadline = Instant::now() + Duration::from_secs(args.seconds);
    let tasks: Vec<_> = (0..args.concurrency)
        .map(|i| {
            let (call, tally) = (call.clone(), tally.clone());
            tokio::spawn(async move {
                let mut local = Tally::new();
                while Instant::now() < deadline {
                    let start = Instant::now();
                    let ok = call(i).await.unwrap_or(false);
                    local.record(start.elapsed(), ok);
                }
                let mut tally = tally.lock().expect("tally");
                tally.histogram.add(&local.histogram).expect("same bounds");
                tally.errors += local.errors;
            })
        })
        .collect();
    for task in tasks {
        let _ = task.await;
    }
    Arc::try_unwrap(tally).ok().expect("all tasks done").into_inner().expect("tally")
}

async fn channels(server: &str, n: usize) -> Result<Vec<Channel>> {
    let mut channels = Vec::with_capacity(n);
    for _ in 0..n {
        channels.push(Channel::from_shared(server.to_owned())?.tcp_nodelay(true).connect().await?);
    }
    Ok(channels)
}

fn authed<T>(bearer: &str, message: T) -> Request<T> {
    let mut request = Request::new(message);
    request.metadata_mut().insert("authorization", format!("Bearer {bearer}").parse().expect("ascii token"));
    request
}

async fn create_candidate(http: &reqwest::Client, edge: &str, bearer: &str) -> Result<i64> {
    let response = http
        .post(format!("{edge}/api/candidates"))
        .bearer_auth(bearer)
        .json(&test_support::fixtures::sample_candidate())
        .send()
        .await?;
    ensure!(response.status() == 201, "create candidate: {}", response.status());
    let body: Value = response.json().await?;
    body["id"].as_i64().context("candidate id")
}

/// One target job per end-to-end job, created `concurrency` at a time.
async fn create_targets(args: &Args, http: &reqwest::Client, bearer: &str, candidate: i64) -> Result<Vec<i64>> {
    let url = format!("{}/api/candidates/{candidate}/jobs", args.edge);
    let posts = (0..args.jobs).map(|i| {
        let request = http.post(&url).bearer_auth(bearer).json(&json!({
            "title": format!("Backend Engineer {i}"),
            "company": "Babbage & Co",
            "description": format!("Opening {i}: build services in Rust on PostgreSQL."),
        }));
        async move {
            let response = request.send().await?;
            ensure!(response.status() == 201, "create target job: {}", response.status());
            let body: Value = response.json().await?;
            body["id"].as_i64().context("target job id")
        }
    });
    futures::stream::iter(posts).buffered(args.concurrency).collect::<Vec<_>>().await.into_iter().collect()
}

async fn submit(
    http: &reqwest::Client,
    edge: &str,
    bearer: &str,
    candidate: i64,
    target: Option<i64>,
    file_type: &str,
) -> Result<Value> {
    let body = json!({"candidate_id": candidate, "job_row_id": target, "file_type": file_type});
    let response =
        http.post(format!("{edge}/api/resume-async/generate-async")).bearer_auth(bearer).json(&body).send().await?;
    ensure!(response.status() == 202, "submit: {}", response.status());
    Ok(response.json().await?)
}

/// Submits `jobs` jobs at `concurrency`, then follows each to its end; the latency of a
/// job is submit to SUCCESS, the throughput jobs per second from first submit to last end.
async fn end_to_end(
    args: &Args,
    http: &reqwest::Client,
    bearer: &str,
    candidate: i64,
    targets: Vec<i64>,
) -> Result<Tally> {
    let targets = Arc::new(targets);
    let next = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let tally = Arc::new(Mutex::new(Tally::new()));
    let channels = channels(&args.server, 4).await?;
    let tasks: Vec<_> = (0..args.concurrency.min(args.jobs))
        .map(|i| {
            let (next, tally, http, targets) = (next.clone(), tally.clone(), http.clone(), targets.clone());
            let (edge, bearer, file_type, jobs) =
                (args.edge.clone(), bearer.to_owned(), args.file_type.clone(), args.jobs);
            let mut client = ResumeServiceClient::new(channels[i % channels.len()].clone());
            tokio::spawn(async move {
                loop {
                    let n = next.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                    if n >= jobs {
                        break;
                    }
                    let start = Instant::now();
                    let ok = async {
                        let job = submit(&http, &edge, &bearer, candidate, Some(targets[n]), &file_type).await?;
                        let job_id = job["job_id"].as_str().context("job id")?.to_owned();
                        let mut updates =
                            client.watch_job(authed(&bearer, v1::WatchJobRequest { job_id })).await?.into_inner();
                        let mut last = String::new();
                        while let Some(update) = updates.next().await {
                            last = update?.job.map(|j| j.status).unwrap_or_default();
                        }
                        anyhow::Ok(last == "SUCCESS")
                    }
                    .await
                    .unwrap_or(false);
                    tally.lock().expect("tally").record(start.elapsed(), ok);
                }
            })
        })
        .collect();
    for task in tasks {
        let _ = task.await;
    }
    Ok(Arc::try_unwrap(tally).ok().expect("all tasks done").into_inner().expect("tally"))
}

/// Generates one resume, then submits the identical request again and again: each is a
/// cache hit, timed from submit until WatchJob shows SUCCESS.
async fn cache_hit(args: &Args, http: &reqwest::Client, bearer: &str, candidate: i64) -> Result<Tally> {
    let mut client = ResumeServiceClient::new(channels(&args.server, 1).await?.remove(0));
    let first = submit(http, &args.edge, bearer, candidate, None, &args.file_type).await?;
    let job_id = first["job_id"].as_str().context("job id")?.to_owned();
    let mut updates = client.watch_job(authed(bearer, v1::WatchJobRequest { job_id })).await?.into_inner();
    while updates.next().await.transpose()?.is_some() {}
    let mut tally = Tally::new();
    let deadline = Instant::now() + Duration::from_secs(args.seconds);
    while Instant::now() < deadline {
        let start = Instant::now();
        let request = v1::GenerateResumeRequest {
            candidate_id: candidate,
            file_type: Some(args.file_type.clone()),
            ..Default::default()
        };
        let job = client.generate_resume(authed(bearer, request)).await?.into_inner().job.context("job")?;
        let mut updates =
            client.watch_job(authed(bearer, v1::WatchJobRequest { job_id: job.job_id })).await?.into_inner();
        let first = updates.next().await.transpose()?.and_then(|u| u.job);
        tally.record(start.elapsed(), job.cache_hit && first.is_some_and(|j| j.status == "SUCCESS"));
    }
    Ok(tally)
}
