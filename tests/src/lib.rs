//! The one end-to-end test harness: a whole system (server, workers, edge) in this process on
//! ephemeral ports, against the real Redis and a fresh SQLite file or Postgres database,
//! with its own JWT secret and Redis key prefix so that tests run in parallel.
//!
//! # Layout
//! - [`System`]: a running system, with helpers for REST, gRPC and its Redis.
//! - [`redis_server`]: a Redis of a test's own that it can stop and start again (and the
//!   nodes [`redis_cluster`] builds a throwaway Redis Cluster from).
//! - [`proxy`]: a TCP proxy a test can cut, to make the database unreachable.
//! - [`oidc`]: a real OpenID Connect provider (Node's `oidc-provider`) to take tokens from.
//! - [`eventually`] and [`PATIENCE`]: waiting for something to happen, failing with what was
//!   awaited when it does not.
//! - What tests and the load generator share (fake model, fixtures, document readers) is
//!   `test_support`'s, re-exported here.

pub mod oidc;
pub mod proxy;
pub mod redis_cluster;
pub mod redis_server;

pub use test_support::{
    TempDir,
    documents::{docx_part, docx_text, libreoffice_texts, pdf_text},
    fake_model,
    fixtures::{career, sample_candidate, sample_target, sign},
};

use std::{future::Future, net::SocketAddr, time::Duration};

use anyhow::{Context as _, Result, bail};
use runtime::shared::Shared;
use sea_orm::{ConnectionTrait, Database};
use serde_json::{Value, json};
use tokio::{net::TcpListener, sync::watch, task::JoinHandle};
use tonic::transport::Channel;

/// How long a test waits for what normally takes well under a second (a job to end, a
/// system to become ready, a list to drain): generous, because the tests share two noisy
/// cores, and a wait that times out fails the test saying what it waited for.
pub const PATIENCE: Duration = Duration::from_secs(60);

/// Asks `check` until it answers `Some`, for at most `within`; its answer, or an error
/// naming `what` was awaited.
pub async fn eventually<T, F, Fut>(what: &str, within: Duration, mut check: F) -> Result<T>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<Option<T>>>,
{
    let deadline = tokio::time::Instant::now() + within;
    loop {
        if let Some(answer) = check().await? {
            return Ok(answer);
        }
        if tokio::time::Instant::now() >= deadline {
            bail!("waited {within:?} for {what}");
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Which database a system runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Db {
    Sqlite,
    Postgres,
}

/// How the workers make resumes.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// The model's base URL; `None` for the offline generator.
    pub model_url: Option<String>,
    /// `RETRY_BASE_DELAY_MS`.
    pub retry_base_delay_ms: u64,
    /// `MAX_ATTEMPTS`.
    pub max_attempts: u32,
    /// `RESULT_CACHE_TTL_SECS`; 0 turns the cache off.
    pub result_cache_ttl_secs: u64,
    /// `API_RATE_LIMIT_PER_MIN`; 0 (what most tests want) is unlimited.
    pub api_rate_limit_per_min: u64,
    /// `TASK_RATE_LIMIT_PER_MIN`; 0 is unlimited.
    pub task_rate_limit_per_min: u64,
    /// `MODEL_MAX_PARALLEL_CALLS`; `None` is the default (4).
    pub model_max_parallel_calls: Option<usize>,
    /// `MODEL_STREAM=0`: the workers wait for each whole reply.
    pub model_stream_off: bool,
    /// A Redis of the test's own instead of the shared one (`REDIS_URL`).
    pub redis_url: Option<String>,
    /// `redis_url` names a Redis Cluster node (`REDIS_CLUSTER=1`).
    pub redis_cluster: bool,
    /// The built web app the edge serves (`WEB_DIR`); none by default.
    pub web_dir: Option<std::path::PathBuf>,
    /// On Postgres: the server reaches the database through a [`proxy::TcpProxy`] the test
    /// can cut ([`System::db_proxy`]).
    pub database_proxy: bool,
    /// `OIDC_ISSUER`, `OIDC_CLIENT_ID` and `OIDC_ROLES_CLAIM` of servers and edge (no
    /// issuer by default).
    pub oidc: runtime::oidc::Settings,
    /// `USER_MONTHLY_BUDGET_USD` of the servers; 0 (the default) is no budget.
    pub user_monthly_budget_usd: f64,
}

impl Options {
    /// Workers that ask the fake model at `model_url`, with the result cache on and
    /// retries 10 ms apart.
    pub fn on_model(model_url: &str) -> Options {
        Options {
            model_url: Some(model_url.to_owned()),
            retry_base_delay_ms: 10,
            max_attempts: 3,
            result_cache_ttl_secs: 3600,
            ..Options::default()
        }
    }
}

/// A worker that will be killed.
pub struct Doomed {
    pub id: String,
    runtime: tokio::runtime::Runtime,
}

impl Doomed {
    /// Ends the worker at once, mid-task or not.
    pub fn kill(self) {
        self.runtime.shutdown_background();
    }
}

/// A running system.
pub struct System {
    pub secret: String,
    pub prefix: String,
    pub grpc_addr: SocketAddr,
    pub edge_url: String,
    pub redis_url: String,
    /// The database the server runs on.
    pub database_url: String,
    pub http: reqwest::Client,
    /// The proxy between the server and Postgres, with [`Options::database_proxy`].
    pub db_proxy: Option<proxy::TcpProxy>,
    stop: watch::Sender<bool>,
    tasks: Vec<JoinHandle<()>>,
    cleanup: Option<(String, String)>,
    options: Options,
    _dir: Option<TempDir>,
}

/// A server's configuration on the system's database, Redis and secret, listening on `addr`.
fn server_config(
    addr: SocketAddr,
    database_url: &str,
    redis_url: &str,
    prefix: &str,
    secret: &str,
    options: &Options,
) -> server::Config {
    server::Config {
        server_addr: addr,
        server_metrics_addr: "127.0.0.1:0".parse().expect("address"),
        database_url: database_url.to_owned(),
        shared: Shared {
            redis_url: redis_url.to_owned(),
            redis_cluster: options.redis_cluster,
            redis_key_prefix: prefix.to_owned(),
            jwt_secret: secret.to_owned(),
        },
        openai_api_key: options.model_url.as_ref().map(|_| fake_model::API_KEY.to_owned()),
        openai_model: "fake-model".into(),
        cors_allowed_origins: vec!["http://localhost:5173".into()],
        api_rate_limit_per_min: options.api_rate_limit_per_min,
        content_reuse_days: 30,
        retention_days: 30,
        // The fake model's price: a call's 240 + 60 tokens cost $0.0006 (cached prompt
        // tokens $0.0005 per 1,000).
        model_prices: vec![server::config::ModelPrice {
            model: "fake-model".into(),
            prompt_per_1k: 0.001,
            completion_per_1k: 0.006,
            cached_per_1k: Some(0.0005),
        }],
        import_max_bytes: IMPORT_MAX_BYTES,
        oidc: options.oidc.clone(),
        batch_max_items: 500,
        user_monthly_budget_usd: options.user_monthly_budget_usd,
    }
}

/// The largest import the system takes (the default).
pub const IMPORT_MAX_BYTES: usize = 5 * 1024 * 1024;

fn unique() -> String {
    uuid::Uuid::new_v4().simple().to_string()
}

fn redis_url() -> String {
    std::env::var("REDIS_URL").unwrap_or_else(|_| "redis://127.0.0.1:6379".into())
}

fn postgres_admin_url() -> String {
    std::env::var("TEST_POSTGRES_URL").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into())
}

async fn stopped(mut stop: watch::Receiver<bool>) {
    let _ = stop.wait_for(|s| *s).await;
}

impl System {
    /// Server, `workers` workers (concurrency 2 each, offline generator) and edge on `db`.
    pub async fn start(db: Db, workers: usize) -> Result<System> {
        let options =
            Options { retry_base_delay_ms: 50, max_attempts: 3, result_cache_ttl_secs: 3600, ..Options::default() };
        System::start_with(db, workers, options).await
    }

    /// The same, with workers configured by `options`.
    pub async fn start_with(db: Db, workers: usize, options: Options) -> Result<System> {
        // reqwest is built with TLS but no crypto provider of its own; ring is ours.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let id = unique();
        let secret = format!("test-secret-{id}");
        let prefix = format!("test-{id}");
        let mut db_proxy = None;
        let (database_url, cleanup, dir) = match db {
            Db::Sqlite => {
                let dir = TempDir::new("resume-test")?;
                (format!("sqlite://{}/resume.db?mode=rwc", dir.path().display()), None, Some(dir))
            }
            Db::Postgres => {
                let admin = postgres_admin_url();
                let name = format!("resume_test_{id}");
                let conn = Database::connect(&admin).await.context("connecting to Postgres (TEST_POSTGRES_URL)")?;
                conn.execute_unprepared(&format!("CREATE DATABASE {name}")).await?;
                let base = admin.rsplit_once('/').map(|(base, _)| base.to_owned()).context("Postgres URL")?;
                let (user, address) = base.rsplit_once('@').context("Postgres URL without a user")?;
                let url = if options.database_proxy {
                    let target = tokio::net::lookup_host(address).await?.next().context("Postgres address")?;
                    let proxy = proxy::TcpProxy::start(target).await?;
                    let url = format!("{user}@{}/{name}", proxy.addr);
                    db_proxy = Some(proxy);
                    url
                } else {
                    format!("{base}/{name}")
                };
                (url, Some((admin, name)), None)
            }
        };
        let redis_url = options.redis_url.clone().unwrap_or_else(redis_url);
        let (stop, stop_rx) = watch::channel(false);
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let grpc_addr = listener.local_addr()?;
        let server_config = server_config(grpc_addr, &database_url, &redis_url, &prefix, &secret, &options);
        let mut tasks = vec![tokio::spawn({
            let shutdown = Box::pin(stopped(stop_rx.clone()));
            async move { server::run(server_config, listener, shutdown).await.expect("server failed") }
        })];
        let edge_listener = TcpListener::bind("127.0.0.1:0").await?;
        let edge_url = format!("http://{}", edge_listener.local_addr()?);
        let edge_config = edge::Config {
            edge_addr: edge_listener.local_addr()?,
            server_url: vec![format!("http://{grpc_addr}")],
            cors_allowed_origins: vec!["http://localhost:5173".into()],
            web_dir: options.web_dir.clone().unwrap_or_else(|| "web/dist".into()),
            import_max_bytes: IMPORT_MAX_BYTES,
            oidc: options.oidc.clone(),
        };
        tasks.push(tokio::spawn({
            let shutdown = Box::pin(stopped(stop_rx.clone()));
            async move { edge::run(edge_config, edge_listener, shutdown).await.expect("edge failed") }
        }));
        let mut system = System {
            secret,
            prefix,
            grpc_addr,
            edge_url,
            redis_url,
            database_url,
            http: reqwest::Client::new(),
            db_proxy,
            stop,
            tasks,
            cleanup,
            options,
            _dir: dir,
        };
        system.wait_until_ready().await?;
        for _ in 0..workers {
            system.start_worker(2);
        }
        Ok(system)
    }

    /// Starts one more server on the same database and Redis (the edge keeps to the first);
    /// its gRPC address.
    pub async fn start_server(&mut self) -> Result<SocketAddr> {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        let config =
            server_config(addr, &self.database_url, &self.redis_url, &self.prefix, &self.secret, &self.options);
        let shutdown = Box::pin(stopped(self.stop.subscribe()));
        self.tasks
            .push(tokio::spawn(async move { server::run(config, listener, shutdown).await.expect("server failed") }));
        Ok(addr)
    }

    /// The configuration of one more worker running `concurrency` tasks at once.
    fn worker_config(&self, concurrency: usize) -> worker::Config {
        worker::Config {
            server_url: vec![format!("http://{}", self.grpc_addr)],
            shared: Shared {
                redis_url: self.redis_url.clone(),
                redis_cluster: self.options.redis_cluster,
                redis_key_prefix: self.prefix.clone(),
                jwt_secret: self.secret.clone(),
            },
            concurrency,
            metrics_addr: "127.0.0.1:0".parse().expect("address"),
            worker_id: Some(format!("test-worker-{}", unique())),
            openai_api_key: self.options.model_url.as_ref().map(|_| fake_model::API_KEY.to_owned()),
            openai_base_url: self.options.model_url.clone().unwrap_or_default(),
            openai_model: "fake-model".into(),
            model_max_parallel_calls: self.options.model_max_parallel_calls.unwrap_or(4),
            model_stream: !self.options.model_stream_off,
            retry_base_delay_ms: self.options.retry_base_delay_ms,
            max_attempts: self.options.max_attempts,
            result_cache_ttl_secs: self.options.result_cache_ttl_secs,
            task_rate_limit_per_min: self.options.task_rate_limit_per_min,
        }
    }

    /// Starts one more worker running `concurrency` tasks at once.
    pub fn start_worker(&mut self, concurrency: usize) {
        let config = self.worker_config(concurrency);
        let shutdown = Box::pin(stopped(self.stop.subscribe()));
        self.tasks.push(tokio::spawn(async move { worker::run(config, shutdown).await.expect("worker failed") }));
    }

    /// Starts a worker on a runtime of its own, which [`Doomed::kill`] ends the way a
    /// killed process ends: every task of it stops at once, nothing is handed back or
    /// deregistered, its heartbeat just stops.
    pub fn start_doomed_worker(&self) -> Doomed {
        let config = self.worker_config(1);
        let id = config.worker_id.clone().unwrap_or_default();
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .expect("a runtime for the doomed worker");
        runtime.spawn(async move {
            let _ = worker::run(config, Box::pin(futures::future::pending())).await;
        });
        Doomed { id, runtime }
    }

    async fn wait_until_ready(&self) -> Result<()> {
        eventually("the system to answer readyz with 200", PATIENCE, || async {
            let response = self.http.get(self.url("/api/readyz")).send().await;
            Ok(response.is_ok_and(|response| response.status() == 200).then_some(()))
        })
        .await
    }

    /// A token of `sub` holding `roles` (`"ops"`, `"admin"`), valid for ten minutes.
    pub fn token_with_roles(&self, sub: &str, roles: &[&str]) -> String {
        self.token_with(json!({"sub": sub, "exp": chrono::Utc::now().timestamp() + 600, "roles": roles}))
    }

    /// GET `path` with a token of `sub` holding `roles`.
    pub async fn get_with_roles(&self, sub: &str, roles: &[&str], path: &str) -> Result<(u16, Value)> {
        let response = self.http.get(self.url(path)).bearer_auth(self.token_with_roles(sub, roles)).send().await?;
        Ok((response.status().as_u16(), response.json().await?))
    }

    /// POST `body` to `path` with a token of `sub` holding `roles`.
    pub async fn post_with_roles(&self, sub: &str, roles: &[&str], path: &str, body: Value) -> Result<(u16, Value)> {
        let request = self.http.post(self.url(path)).bearer_auth(self.token_with_roles(sub, roles)).json(&body);
        let response = request.send().await?;
        Ok((response.status().as_u16(), response.json().await?))
    }

    /// The server's database, to look at or seed what it holds.
    pub async fn database(&self) -> Result<sea_orm::DatabaseConnection> {
        Ok(Database::connect(&self.database_url).await?)
    }

    /// How many rows `table` of the server's database holds.
    pub async fn rows(&self, table: &str) -> Result<i64> {
        let db = self.database().await?;
        let row = db
            .query_one_raw(sea_orm::Statement::from_string(
                db.get_database_backend(),
                format!("SELECT COUNT(*) AS n FROM {table}"),
            ))
            .await?
            .context("COUNT(*) answered no row")?;
        let n = row.try_get::<i64>("", "n")?;
        db.close().await?;
        Ok(n)
    }

    /// Stops every process and drops the test database.
    pub async fn stop(mut self) -> Result<()> {
        let _ = self.stop.send(true);
        for task in self.tasks.drain(..) {
            tokio::time::timeout(Duration::from_secs(40), task).await.context("a process did not stop")??;
        }
        if let Some((admin, name)) = self.cleanup.take() {
            let conn = Database::connect(&admin).await?;
            conn.execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).await?;
        }
        Ok(())
    }

    /// A full edge URL for `path`.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.edge_url)
    }

    /// A user token for `sub`, valid for an hour.
    pub fn token(&self, sub: &str) -> String {
        self.token_with(json!({"sub": sub, "exp": chrono::Utc::now().timestamp() + 3600}))
    }

    /// A token with any claims, signed with this system's secret.
    pub fn token_with(&self, claims: Value) -> String {
        sign(&self.secret, &claims)
    }

    /// A gRPC request carrying `user`'s token.
    pub fn grpc_request<T>(&self, user: &str, message: T) -> tonic::Request<T> {
        let mut request = tonic::Request::new(message);
        let value = format!("Bearer {}", self.token(user)).parse().expect("a token is ASCII");
        request.metadata_mut().insert("authorization", value);
        request
    }

    /// A gRPC channel to the server.
    pub async fn channel(&self) -> Result<Channel> {
        Ok(Channel::from_shared(format!("http://{}", self.grpc_addr))?.connect().await?)
    }

    /// The names of this system's Redis keys.
    pub fn keys(&self) -> resume_proto::redis::Keys {
        resume_proto::redis::Keys::new(&self.prefix)
    }

    /// A client of the system's Redis, to look at or break what it keeps.
    pub async fn redis(&self) -> Result<fred::clients::Client> {
        let client = runtime::redis::builder(&self.redis_url, self.options.redis_cluster)?.build()?;
        fred::interfaces::ClientLike::init(&client).await?;
        Ok(client)
    }

    /// How many tasks wait in `queue`: its depth counter, as the admin route reads it.
    pub async fn depth(&self, queue: resume_proto::redis::Queue) -> Result<i64> {
        let redis = self.redis().await?;
        let depth: Option<i64> = fred::interfaces::KeysInterface::get(&redis, self.keys().depth(queue)).await?;
        Ok(depth.unwrap_or(0))
    }

    /// Takes the next task as a worker `worker_id` would, into its in-flight list, and runs
    /// nothing: what a worker killed right after taking leaves. The task, if one waited.
    pub async fn take_as(&self, worker_id: &str) -> Result<Option<Vec<u8>>> {
        let builder = runtime::redis::builder(&self.redis_url, self.options.redis_cluster)?;
        let limit = runtime::rate::RateLimit::per_minute(0);
        let redis = worker::redis::Redis::connect(&builder, self.keys(), worker_id, limit).await?;
        Ok(redis.tasks.take().await?)
    }

    /// `POST path` with a JSON body as `user`; the status and the JSON answer.
    pub async fn post(&self, user: &str, path: &str, body: Value) -> Result<(u16, Value)> {
        let response = self.http.post(self.url(path)).bearer_auth(self.token(user)).json(&body).send().await?;
        let status = response.status().as_u16();
        Ok((status, response.json().await.unwrap_or(Value::Null)))
    }

    /// `PUT path` with a JSON body as `user`; the status and the JSON answer.
    pub async fn put(&self, user: &str, path: &str, body: Value) -> Result<(u16, Value)> {
        let response = self.http.put(self.url(path)).bearer_auth(self.token(user)).json(&body).send().await?;
        let status = response.status().as_u16();
        Ok((status, response.json().await.unwrap_or(Value::Null)))
    }

    /// `GET path` as `user`; the status and the JSON answer.
    pub async fn get(&self, user: &str, path: &str) -> Result<(u16, Value)> {
        let response = self.http.get(self.url(path)).bearer_auth(self.token(user)).send().await?;
        let status = response.status().as_u16();
        Ok((status, response.json().await.unwrap_or(Value::Null)))
    }

    /// Submits a generation of `body` as `user`; the job the 202 answered.
    pub async fn submit(&self, user: &str, body: &Value) -> Result<Value> {
        let (status, job) = self.post(user, "/api/resume-async/generate-async", body.clone()).await?;
        anyhow::ensure!(status == 202, "generate: {status} {job}");
        Ok(job)
    }

    /// Creates the sample candidate and a target job for `user`; their ids.
    pub async fn candidate_with_target(&self, user: &str) -> Result<(i64, i64)> {
        let (status, candidate) = self.post(user, "/api/candidates", sample_candidate()).await?;
        anyhow::ensure!(status == 201, "create candidate: {status} {candidate}");
        let id = candidate["id"].as_i64().context("candidate id")?;
        let (status, job) = self.post(user, &format!("/api/candidates/{id}/jobs"), sample_target()).await?;
        anyhow::ensure!(status == 201, "create job: {status} {job}");
        Ok((id, job["id"].as_i64().context("job id")?))
    }

    /// Creates the sample candidate named `name` for `user` (their summary names them too,
    /// so that the model's prompts tell candidates apart); their id.
    pub async fn candidate_named(&self, user: &str, name: &str) -> Result<i64> {
        let mut candidate = sample_candidate();
        candidate["full_name"] = json!(name);
        // The name is not sent to the model; the summary is.
        candidate["summary"] = json!(format!("{name} wrote the first published algorithm."));
        let (status, candidate) = self.post(user, "/api/candidates", candidate).await?;
        anyhow::ensure!(status == 201, "create candidate: {status} {candidate}");
        candidate["id"].as_i64().context("candidate id")
    }

    /// `GET` the file of a finished job (its `result_url`) as `user`.
    pub async fn download(&self, user: &str, job: &Value) -> Result<reqwest::Response> {
        let path = job["result_url"].as_str().context("the job has no result_url")?;
        Ok(self.http.get(self.url(path)).bearer_auth(self.token(user)).send().await?)
    }

    /// Polls a job over REST until it is `status` or `within` has passed;
    /// the job as last seen.
    pub async fn job_when(&self, user: &str, job_id: &str, status: &str, within: Duration) -> Result<Value> {
        let deadline = tokio::time::Instant::now() + within;
        loop {
            let job = self.get(user, &format!("/api/resume-async/job-status/{job_id}")).await?.1;
            if job["status"] == status || tokio::time::Instant::now() >= deadline {
                return Ok(job);
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// Polls a job over REST until it ends (for at most [`PATIENCE`]); every state seen, in
    /// order.
    pub async fn poll_until_done(&self, user: &str, job_id: &str) -> Result<Vec<Value>> {
        let mut seen = Vec::new();
        let deadline = tokio::time::Instant::now() + PATIENCE;
        while tokio::time::Instant::now() < deadline {
            let (status, job) = self.get(user, &format!("/api/resume-async/job-status/{job_id}")).await?;
            anyhow::ensure!(status == 200, "job-status: {status} {job}");
            let done = matches!(job["status"].as_str(), Some("SUCCESS" | "FAILURE" | "CANCELLED"));
            seen.push(job);
            if done {
                return Ok(seen);
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        bail!("job {job_id} did not end within {PATIENCE:?}: last {:?}", seen.last())
    }

    /// Follows a job over its REST event stream (`job-events`, checked to be
    /// `text/event-stream`) until the stream closes (for at most [`PATIENCE`]); every Job its
    /// `progress` events carried, in order.
    pub async fn job_events(&self, user: &str, job_id: &str) -> Result<Vec<Value>> {
        let response = self
            .http
            .get(self.url(&format!("/api/resume-async/job-events/{job_id}")))
            .bearer_auth(self.token(user))
            .send()
            .await?;
        anyhow::ensure!(response.status() == 200, "job-events: {}", response.status());
        let kind = response.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or_default();
        anyhow::ensure!(kind.starts_with("text/event-stream"), "job-events content type: {kind}");
        let body = tokio::time::timeout(PATIENCE, response.text()).await??;
        Ok(body
            .split("\n\n")
            .filter(|block| block.contains("event: progress"))
            .filter_map(|block| block.lines().find_map(|l| l.strip_prefix("data: ")))
            .map(serde_json::from_str)
            .collect::<Result<_, _>>()?)
    }
}
