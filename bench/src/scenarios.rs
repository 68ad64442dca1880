//! The scenarios: closed-loop load at a fixed concurrency for a fixed time (submit, with
//! or without workers draining, cache hits, status), batches of jobs run to completion (end
//! to end, generated or render-only), cache-hit latency, and one owner's batch beside
//! another owner's single job (fair queues), and resumes of careers of a given length at a
//! real model's pace, with the progress updates their owner sees (`e2e-realistic`).

use std::{
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use anyhow::{Context as _, Result, bail, ensure};
use futures::{StreamExt, TryStreamExt};
use hdrhistogram::Histogram;
use resume_proto::v1::{self, resume_service_client::ResumeServiceClient};
use serde::Serialize;
use serde_json::{Value, json};
use tonic::{Request, transport::Channel};

/// What to run.
#[derive(clap::Args)]
pub struct Args {
    /// rest-submit, rest-submit-cached, grpc-submit, rest-status, e2e, e2e-render,
    /// cache-hit, fair-batch or e2e-realistic.
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
    /// The workers' `/metrics` addresses: when given, the result says how many tasks they
    /// finished per second during the run.
    #[arg(long, value_delimiter = ',')]
    worker_metrics: Vec<String>,
    /// fair-batch: B's job is queued as A's, so the queue holds one owner's tasks and serves
    /// them first come, first served, as every queue did before fair queues.
    #[arg(long)]
    one_owner: bool,
    /// e2e-realistic: the roles of the candidate's career (four highlights each).
    #[arg(long, default_value_t = 8)]
    roles: usize,
    /// e2e-realistic: the fake model's base URL, asked for its slowest call (the bound).
    #[arg(long, env = "OPENAI_BASE_URL")]
    model: Option<String>,
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
    /// Tasks the workers finished per second meanwhile (with `--worker-metrics`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub completed_per_s: Option<f64>,
    /// fair-batch: how long B's job waited to start, in task-times (A's tasks' mean run
    /// time).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub b_wait_task_times: Option<f64>,
    /// e2e-realistic: progress updates a job's watcher got while the content was being
    /// written, per second of generation (`generation_ms`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub progress_per_model_s: Option<f64>,
    /// e2e-realistic: what one resume's model calls used, on average (as the fake model
    /// counts a provider's usage, its prompt cache included).
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    pub tokens_per_resume: Option<TokensPerResume>,
    /// e2e-realistic: the slowest single model call's own time (time to its first token,
    /// then its tokens at the fake's pace), as the fake model tells it: no resume can be
    /// written sooner.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bound_ms: Option<f64>,
}

/// A resume's model usage, averaged over a run's jobs.
#[derive(Debug, Default, Clone, Copy, Serialize)]
pub struct TokensPerResume {
    pub prompt_tokens: f64,
    /// Of the prompt tokens, those the provider's prompt cache served.
    pub cached_tokens: f64,
    pub completion_tokens: f64,
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
    // Rendered again and again: the content of one generated job.
    let rendered = match args.scenario.as_str() {
        "e2e-render" => Some(generated_content(&args, &http, &bearer, candidate).await?),
        // Every submission is answered from the cache this fills.
        "rest-submit-cached" => {
            let job = submit(&http, &args.edge, &bearer, candidate, None, &args.file_type).await?;
            finished(&args.server, &bearer, job_id(&job)?).await?;
            None
        }
        _ => None,
    };
    let scrape = http.clone();
    let processed_before = processed(&scrape, &args.worker_metrics).await?;
    let cpu_before = cpu_seconds();
    let started = Instant::now();
    let mut b_wait_task_times = None;
    let mut progress_per_model_s = None;
    let mut tokens_per_resume = None;
    let mut bound_ms = None;
    let tally = match args.scenario.as_str() {
        "rest-submit" | "rest-submit-cached" => {
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
        "e2e" => {
            let (http, edge, bearer, file_type) =
                (http.clone(), args.edge.clone(), bearer.clone(), args.file_type.clone());
            end_to_end(&args, &bearer.clone(), move |n| {
                let (http, edge, bearer, file_type, target) =
                    (http.clone(), edge.clone(), bearer.clone(), file_type.clone(), targets[n]);
                async move { submit(&http, &edge, &bearer, candidate, Some(target), &file_type).await }
            })
            .await?
        }
        "e2e-render" => {
            let (source, content) = rendered.context("a content to render")?;
            let body = json!({"job_id": source, "content": content, "file_type": args.file_type});
            let url = format!("{}/api/resume-async/render", args.edge);
            let (http, bearer_) = (http.clone(), bearer.clone());
            end_to_end(&args, &bearer, move |_| {
                let request = http.post(&url).bearer_auth(&bearer_).json(&body);
                async move {
                    let response = request.send().await?;
                    ensure!(response.status() == 202, "render: {}", response.status());
                    Ok(response.json().await?)
                }
            })
            .await?
        }
        "cache-hit" => cache_hit(&args, &http, &bearer, candidate).await?,
        "fair-batch" => {
            let b = match args.one_owner {
                true => (bearer.clone(), candidate),
                false => {
                    let bearer = token(&args.jwt_secret, &format!("{user}-b"), &[]);
                    let candidate = create_candidate(&http, &args.edge, &bearer).await?;
                    (bearer, candidate)
                }
            };
            let (tally, b_wait) = fair_batch(&args, &http, (&bearer, candidate), (&b.0, b.1)).await?;
            b_wait_task_times = Some(b_wait);
            tally
        }
        "e2e-realistic" => {
            let (status, body) = post_json(
                &http,
                &format!("{}/api/candidates", args.edge),
                &bearer,
                &test_support::fixtures::career(args.roles),
            )
            .await?;
            ensure!(status == 201, "create candidate: {status}");
            let career = body["id"].as_i64().context("candidate id")?;
            let model = args.model.as_deref().context("--model (OPENAI_BASE_URL): the fake model's URL")?;
            // Read once to start the count of this row's calls.
            slowest_call(&http, model).await?;
            let (tally, rate, tokens) = realistic(&args, &http, &bearer, career).await?;
            (progress_per_model_s, tokens_per_resume) = (Some(rate), Some(tokens));
            bound_ms = Some(slowest_call(&http, model).await?);
            tally
        }
        other => bail!("unknown scenario {other:?}"),
    };
    let seconds = started.elapsed().as_secs_f64();
    let cpu = cpu_seconds() - cpu_before;
    let processed_after = processed(&scrape, &args.worker_metrics).await?;
    let completed_per_s = processed_before.zip(processed_after).map(|(a, b)| b.saturating_sub(a) as f64 / seconds);
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
        completed_per_s,
        b_wait_task_times,
        progress_per_model_s,
        tokens_per_resume,
        bound_ms,
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
    let (status, body) =
        post_json(http, &format!("{edge}/api/candidates"), bearer, &test_support::fixtures::sample_candidate()).await?;
    ensure!(status == 201, "create candidate: {status}");
    body["id"].as_i64().context("candidate id")
}

/// `POST`s `body` to `url` as `bearer`'s owner: the status and the answer.
async fn post_json(http: &reqwest::Client, url: &str, bearer: &str, body: &Value) -> Result<(u16, Value)> {
    let response = http.post(url).bearer_auth(bearer).json(body).send().await?;
    Ok((response.status().as_u16(), response.json().await?))
}

/// `jobs` fresh resumes of `candidate`, `concurrency` at a time, each followed to its end:
/// the tally of submit to SUCCESS, the progress updates seen while the content was
/// being written (between the claim's 10 and the content's 85) per second of generation,
/// and the tokens a resume used.
async fn realistic(
    args: &Args,
    http: &reqwest::Client,
    bearer: &str,
    candidate: i64,
) -> Result<(Tally, f64, TokensPerResume)> {
    let channels = channels(&args.server, 4).await?;
    let runs = (0..args.jobs).map(|i| {
        let mut client = ResumeServiceClient::new(channels[i % channels.len()].clone());
        async move {
            let start = Instant::now();
            let job_id = submit_fresh(http, &args.edge, bearer, candidate).await?;
            let mut updates = client.watch_job(authed(bearer, v1::WatchJobRequest { job_id })).await?.into_inner();
            let (mut last, mut writing) = (v1::Job::default(), 0u32);
            while let Some(update) = updates.next().await {
                last = update?.job.unwrap_or_default();
                writing += u32::from(last.status == "PROCESSING" && (11..85).contains(&last.progress));
            }
            anyhow::Ok((start.elapsed(), last, writing))
        }
    });
    let ended: Vec<_> = futures::stream::iter(runs).buffer_unordered(args.concurrency).try_collect().await?;
    let mut tally = Tally::new();
    let (mut updates, mut generating, mut used) = (0u32, 0.0, TokensPerResume::default());
    let jobs = ended.len().max(1) as f64;
    for (took, job, writing) in ended {
        tally.record(took, job.status == "SUCCESS");
        updates += writing;
        generating += job.generation_ms.unwrap_or_default() as f64 / 1000.0;
        used.prompt_tokens += f64::from(job.prompt_tokens) / jobs;
        used.cached_tokens += f64::from(job.cached_tokens) / jobs;
        used.completion_tokens += f64::from(job.completion_tokens) / jobs;
    }
    Ok((tally, f64::from(updates) / generating.max(f64::EPSILON), used))
}

/// The fake model's slowest call since the last ask, in ms (each ask starts a new count).
async fn slowest_call(http: &reqwest::Client, model: &str) -> Result<f64> {
    let response = http.get(format!("{}/slowest-call", model.trim_end_matches('/'))).send().await?;
    ensure!(response.status() == 200, "the fake model's slowest call: {}", response.status());
    let body: Value = response.json().await?;
    body["ms"].as_f64().context("the fake model's slowest call in ms")
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

/// Submits `jobs` jobs at `concurrency` (job `n` by `submit(n)`), then follows each to its
/// end; the latency of a job is submit to SUCCESS, the throughput jobs per second from
/// first submit to last end.
async fn end_to_end<F, Fut>(args: &Args, bearer: &str, submit: F) -> Result<Tally>
where
    F: Fn(usize) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<Value>> + Send,
{
    let submit = Arc::new(submit);
    let next = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let tally = Arc::new(Mutex::new(Tally::new()));
    let channels = channels(&args.server, 4).await?;
    let tasks: Vec<_> = (0..args.concurrency.min(args.jobs))
        .map(|i| {
            let (next, tally, submit, bearer, jobs) =
                (next.clone(), tally.clone(), submit.clone(), bearer.to_owned(), args.jobs);
            let mut client = ResumeServiceClient::new(channels[i % channels.len()].clone());
            tokio::spawn(async move {
                loop {
                    let n = next.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                    if n >= jobs {
                        break;
                    }
                    let start = Instant::now();
                    let ok = async {
                        let job_id = job_id(&submit(n).await?)?;
                        anyhow::Ok(follow(&mut client, &bearer, job_id).await? == "SUCCESS")
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

fn job_id(job: &Value) -> Result<String> {
    job["job_id"].as_str().map(str::to_owned).context("job id")
}

/// Watches job `job_id` to its end; its last status.
async fn follow(client: &mut ResumeServiceClient<Channel>, bearer: &str, job_id: String) -> Result<String> {
    Ok(follow_job(client, bearer, job_id).await?.status)
}

/// Watches job `job_id` to its end; the job as it ended.
async fn follow_job(client: &mut ResumeServiceClient<Channel>, bearer: &str, job_id: String) -> Result<v1::Job> {
    let mut updates = client.watch_job(authed(bearer, v1::WatchJobRequest { job_id })).await?.into_inner();
    let mut last = v1::Job::default();
    while let Some(update) = updates.next().await {
        last = update?.job.unwrap_or_default();
    }
    Ok(last)
}

/// A fresh job (no cache, no waiting for an identical one) of `candidate`, as `bearer`'s
/// owner; its id.
async fn submit_fresh(http: &reqwest::Client, edge: &str, bearer: &str, candidate: i64) -> Result<String> {
    let body = json!({"candidate_id": candidate, "fresh": true});
    let response =
        http.post(format!("{edge}/api/resume-async/generate-async")).bearer_auth(bearer).json(&body).send().await?;
    ensure!(response.status() == 202, "submit: {}", response.status());
    job_id(&response.json().await?)
}

/// Seconds from `from` to `to`.
fn seconds_between(from: Option<&prost_types::Timestamp>, to: Option<&prost_types::Timestamp>) -> Result<f64> {
    let time = |t: Option<&prost_types::Timestamp>| t.and_then(resume_proto::time::from_timestamp).context("a time");
    Ok((time(to)? - time(from)?).as_seconds_f64())
}

/// A's batch of `jobs` fresh jobs, all queued at once (`concurrency` submissions at a time),
/// then B's one: every job followed to its end. The tally holds A's jobs, submit to end;
/// with it, how long B's job waited to start in task-times (A's tasks' mean run time).
async fn fair_batch(
    args: &Args,
    http: &reqwest::Client,
    (a_bearer, a_candidate): (&str, i64),
    (b_bearer, b_candidate): (&str, i64),
) -> Result<(Tally, f64)> {
    let submissions = (0..args.jobs).map(|_| submit_fresh(http, &args.edge, a_bearer, a_candidate));
    let batch: Vec<String> = futures::stream::iter(submissions).buffered(args.concurrency).try_collect().await?;
    let b_job = submit_fresh(http, &args.edge, b_bearer, b_candidate).await?;
    let channels = channels(&args.server, 4).await?;
    let follows = batch.into_iter().enumerate().map(|(i, job_id)| {
        let mut client = ResumeServiceClient::new(channels[i % channels.len()].clone());
        async move { follow_job(&mut client, a_bearer, job_id).await }
    });
    let ended: Vec<v1::Job> = futures::stream::iter(follows).buffer_unordered(args.concurrency).try_collect().await?;
    let b = follow_job(&mut ResumeServiceClient::new(channels[0].clone()), b_bearer, b_job).await?;
    ensure!(b.status == "SUCCESS", "B's job ended {}", b.status);
    let mut tally = Tally::new();
    let mut run_seconds = Vec::with_capacity(ended.len());
    for job in &ended {
        let took = seconds_between(job.created_at.as_ref(), job.completed_at.as_ref())?;
        tally.record(Duration::from_secs_f64(took.max(0.0)), job.status == "SUCCESS");
        run_seconds.push(seconds_between(job.started_at.as_ref(), job.completed_at.as_ref())?);
    }
    let task_time = run_seconds.iter().sum::<f64>() / run_seconds.len().max(1) as f64;
    let b_wait = seconds_between(b.created_at.as_ref(), b.started_at.as_ref())?;
    Ok((tally, b_wait / task_time))
}

/// Waits for job `job_id` to succeed.
async fn finished(server: &str, bearer: &str, job_id: String) -> Result<()> {
    let mut client = ResumeServiceClient::new(channels(server, 1).await?.remove(0));
    let status = follow(&mut client, bearer, job_id).await?;
    ensure!(status == "SUCCESS", "the first job ended {status}");
    Ok(())
}

/// Generates one resume of `candidate`: (its job id, its content as JSON).
async fn generated_content(
    args: &Args,
    http: &reqwest::Client,
    bearer: &str,
    candidate: i64,
) -> Result<(String, Value)> {
    let job = job_id(&submit(http, &args.edge, bearer, candidate, None, &args.file_type).await?)?;
    finished(&args.server, bearer, job.clone()).await?;
    let response = http.get(format!("{}/api/resume-async/content/{job}", args.edge)).bearer_auth(bearer).send().await?;
    ensure!(response.status() == 200, "content: {}", response.status());
    let body: Value = response.json().await?;
    Ok((job, body["content"].clone()))
}

/// Tasks the workers at `addresses` have finished, summed; none without addresses.
async fn processed(http: &reqwest::Client, addresses: &[String]) -> Result<Option<u64>> {
    if addresses.is_empty() {
        return Ok(None);
    }
    let mut total = 0;
    for address in addresses {
        let text = http.get(address).send().await?.text().await?;
        total += text
            .lines()
            .find_map(|line| line.strip_prefix("worker_tasks_processed_total ")?.trim().parse::<u64>().ok())
            .with_context(|| format!("no worker_tasks_processed_total at {address}"))?;
    }
    Ok(Some(total))
}

/// Generates one resume, then submits the identical request again and again: each is a
/// cache hit, timed from submit until WatchJob shows SUCCESS.
async fn cache_hit(args: &Args, http: &reqwest::Client, bearer: &str, candidate: i64) -> Result<Tally> {
    let first = submit(http, &args.edge, bearer, candidate, None, &args.file_type).await?;
    finished(&args.server, bearer, job_id(&first)?).await?;
    let mut client = ResumeServiceClient::new(channels(&args.server, 1).await?.remove(0));
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
