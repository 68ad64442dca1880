//! Backends going away under a running system: readiness answers at once naming what is
//! down, requests that need it fail fast with 503, nothing half-accepted is left, reads that
//! need only the database go on, and everything works again once the backend is back.

use std::time::{Duration, Instant};

use e2e::{Db, Options, System, redis_server::RedisServer};
use serde_json::{Value, json};

/// `GET path` without a token, with how long it took.
async fn timed_get(system: &System, path: &str) -> anyhow::Result<(u16, Value, Duration)> {
    let started = Instant::now();
    let response = system.http.get(system.url(path)).send().await?;
    let status = response.status().as_u16();
    Ok((status, response.json().await.unwrap_or(Value::Null), started.elapsed()))
}

/// Polls readyz until it answers `status`, for at most `within`.
async fn readyz_becomes(system: &System, status: u16, within: Duration) -> anyhow::Result<Value> {
    let started = Instant::now();
    loop {
        let (now, body, _) = timed_get(system, "/api/readyz").await?;
        if now == status {
            return Ok(body);
        }
        anyhow::ensure!(started.elapsed() < within, "readyz still {now} after {within:?}: {body}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn submit(system: &System, user: &str, candidate: i64) -> anyhow::Result<(u16, Value, Duration)> {
    let started = Instant::now();
    let (status, body) =
        system.post(user, "/api/resume-async/generate-async", json!({"candidate_id": candidate})).await?;
    Ok((status, body, started.elapsed()))
}

/// What hangs fails: a system that waits on a lost backend for ever must not hang the run.
const DEADLINE: Duration = Duration::from_secs(180);

/// What "at once" and "fast" mean here. The contract is an answer within about a second or
/// two (readiness gives up on a backend after 0.9 s, a Redis command after 1 s, waiting for a
/// database connection after 2 s); the bound is several seconds because the tests share two
/// noisy cores, and it still tells an answer that gave up on the lost backend from one that
/// waited on it.
const FAST: Duration = Duration::from_secs(5);

/// How long a backend that is back may take to be seen back (the clients reconnect with a
/// backoff).
const RECONNECTED: Duration = Duration::from_secs(30);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn while_redis_is_down_readiness_and_submissions_fail_fast_and_recover() -> anyhow::Result<()> {
    tokio::time::timeout(DEADLINE, redis_outage()).await.map_err(|_| anyhow::anyhow!("hung for {DEADLINE:?}"))?
}

async fn redis_outage() -> anyhow::Result<()> {
    let mut redis = RedisServer::start().await?;
    let options = Options {
        retry_base_delay_ms: 50,
        max_attempts: 3,
        result_cache_ttl_secs: 0,
        // The API limit is counted in Redis: while it is away, requests go through at once.
        api_rate_limit_per_min: 6_000,
        redis_url: Some(redis.url.clone()),
        ..Options::default()
    };
    let system = System::start_with(Db::Sqlite, 1, options).await?;
    let user = "outage";
    let (candidate, _) = system.candidate_with_target(user).await?;
    let (status, first, _) = submit(&system, user, candidate).await?;
    assert_eq!(status, 202, "{first}");
    let first = first["job_id"].as_str().unwrap().to_owned();
    assert_eq!(system.poll_until_done(user, &first).await?.last().unwrap()["status"], "SUCCESS");

    redis.stop();
    let (status, body, took) = timed_get(&system, "/api/readyz").await?;
    assert_eq!(
        (status, &body["checks"]["redis"], &body["checks"]["database"]),
        (503, &json!("unavailable"), &json!("ok")),
        "{body}"
    );
    assert!(took < FAST, "readyz took {took:?}");
    // Asked again and again over the next seconds, while the client is reconnecting: as fast
    // each time.
    let down = Instant::now();
    while down.elapsed() < Duration::from_secs(3) {
        let (status, body, took) = timed_get(&system, "/api/readyz").await?;
        assert_eq!(status, 503, "{body}");
        assert!(took < FAST, "readyz took {took:?} {:?} after Redis stopped", down.elapsed());
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    let (status, _, _) = timed_get(&system, "/api/healthz").await?;
    assert_eq!(status, 200, "liveness does not depend on Redis");

    let (status, body, took) = submit(&system, user, candidate).await?;
    assert_eq!((status, &body["error"]["code"]), (503, &json!("UNAVAILABLE")), "{body}");
    assert!(took < FAST, "the submission took {took:?}");
    let started = Instant::now();
    let (status, job) = system.get(user, &format!("/api/resume-async/job-status/{first}")).await?;
    assert_eq!((status, &job["status"]), (200, &json!("SUCCESS")), "reads from the database go on: {job}");
    assert!(started.elapsed() < FAST, "the read took {:?}", started.elapsed());
    let (status, mine) = system.get(user, "/api/resume-async/my-jobs").await?;
    assert_eq!((status, mine["jobs"].as_array().map(Vec::len)), (200, Some(1)), "no half-accepted job: {mine}");

    redis.start_again().await?;
    let body = readyz_becomes(&system, 200, RECONNECTED).await?;
    assert_eq!(body["checks"]["redis"], "ok", "{body}");
    let (status, job, _) = submit(&system, user, candidate).await?;
    assert_eq!(status, 202, "{job}");
    let seen = system.poll_until_done(user, job["job_id"].as_str().unwrap()).await?;
    assert_eq!(seen.last().unwrap()["status"], "SUCCESS", "{seen:?}");
    system.stop().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn while_the_database_is_unreachable_readiness_names_it_and_recovers() -> anyhow::Result<()> {
    tokio::time::timeout(DEADLINE, database_outage()).await.map_err(|_| anyhow::anyhow!("hung for {DEADLINE:?}"))?
}

/// A system on PostgreSQL with `workers` workers, reaching the database through a proxy
/// ([`System::db_proxy`]), and a candidate of `user`'s.
async fn behind_a_proxy(workers: usize, user: &str) -> anyhow::Result<(System, i64)> {
    let options = Options { database_proxy: true, ..Options::default() };
    let system = System::start_with(Db::Postgres, workers, options).await?;
    let (candidate, _) = system.candidate_with_target(user).await?;
    Ok((system, candidate))
}

async fn database_outage() -> anyhow::Result<()> {
    let user = "dbless";
    let (system, candidate) = behind_a_proxy(1, user).await?;
    let proxy = system.db_proxy.as_ref().expect("a database proxy");

    proxy.cut();
    let (status, body, took) = timed_get(&system, "/api/readyz").await?;
    assert_eq!(
        (status, &body["checks"]["database"], &body["checks"]["redis"]),
        (503, &json!("unavailable"), &json!("ok")),
        "{body}"
    );
    assert!(took < FAST, "readyz took {took:?}");
    let started = Instant::now();
    let (status, body) = system.get(user, &format!("/api/candidates/{candidate}")).await?;
    assert_eq!((status, &body["error"]["code"]), (503, &json!("UNAVAILABLE")), "{body}");
    assert!(started.elapsed() < FAST, "the read took {:?}", started.elapsed());

    proxy.restore().await?;
    readyz_becomes(&system, 200, RECONNECTED).await?;
    let (status, body) = system.get(user, &format!("/api/candidates/{candidate}")).await?;
    assert_eq!(status, 200, "{body}");
    system.stop().await
}

/// A connection the server has just used goes back to work as it is: a read is the read's
/// round trip to the database and the check sqlx makes when the connection is given back
/// (always; it cannot be turned off), not also a check first (sqlx's default, which cost
/// every request and every claim a round trip more).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_connection_just_used_is_not_checked_again() -> anyhow::Result<()> {
    let user = "frugal";
    let (system, candidate) = behind_a_proxy(0, user).await?;
    let proxy = system.db_proxy.as_ref().expect("a database proxy");
    let path = format!("/api/candidates/{candidate}");
    let read = || async {
        let (status, body) = system.get(user, &path).await?;
        anyhow::ensure!(status == 200, "{status} {body}");
        anyhow::Ok(())
    };
    // Every connection of the pool used (and checked, when it had been idle) at least once.
    for _ in 0..40 {
        read().await?;
    }
    let (reads, before) = (40, proxy.round_trips());
    for _ in 0..reads {
        read().await?;
    }
    let round_trips = proxy.round_trips() - before;
    assert!((reads..reads * 5 / 2).contains(&round_trips), "{round_trips} round trips for {reads} reads");
    system.stop().await
}
