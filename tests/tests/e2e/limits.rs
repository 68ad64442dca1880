//! Rate limits: the API's requests per user (REST and gRPC counted together, in Redis)
//! and the workers' task starts that call the model.

use std::time::Duration;

use e2e::{Db, Options, PATIENCE, System, eventually, fake_model::FakeModel};
use resume_proto::v1::{self, resume_service_client::ResumeServiceClient};
use serde_json::{Value, json};
use tokio_stream::StreamExt;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_user_past_the_api_limit_gets_429_with_retry_after_on_rest_and_grpc() -> anyhow::Result<()> {
    let options = Options { api_rate_limit_per_min: 6, result_cache_ttl_secs: 3600, ..Options::default() };
    let system = System::start_with(Db::Sqlite, 1, options).await?;
    // 1 and 2: a candidate and a job; 3: watching it to the end over gRPC.
    let (status, candidate) = system.post("eve", "/api/candidates", e2e::sample_candidate()).await?;
    assert_eq!(status, 201);
    let body = json!({"candidate_id": candidate["id"]});
    let (status, job) = system.post("eve", "/api/resume-async/generate-async", body).await?;
    assert_eq!(status, 202, "{job}");
    let mut resumes = ResumeServiceClient::new(system.channel().await?);
    let watch = v1::WatchJobRequest { job_id: job["job_id"].as_str().unwrap().to_owned() };
    let mut updates = resumes.watch_job(system.grpc_request("eve", watch)).await?.into_inner();
    let mut last = None;
    while let Some(update) = updates.next().await {
        last = update?.job;
    }
    assert_eq!(last.map(|j| j.status).as_deref(), Some("SUCCESS"));
    // 4 to 6 pass; the 7th is refused, on REST and then on gRPC.
    for _ in 4..=6 {
        assert_eq!(system.get("eve", "/api/candidates").await?.0, 200);
    }
    let response = system.http.get(system.url("/api/candidates")).bearer_auth(system.token("eve")).send().await?;
    assert_eq!(response.status(), 429);
    let retry_after: u64 = response.headers()["retry-after"].to_str()?.parse()?;
    assert!((1..=10).contains(&retry_after), "one request frees up every 10 s: {retry_after}");
    let body: serde_json::Value = response.json().await?;
    assert_eq!(body["error"]["code"], "RESOURCE_EXHAUSTED");
    assert!(body["error"]["message"].as_str().unwrap().contains("6 requests per minute"), "{body}");
    let refused = resumes.list_my_jobs(system.grpc_request("eve", v1::ListMyJobsRequest::default())).await;
    let status = refused.expect_err("over the limit on gRPC too");
    assert_eq!(status.code(), tonic::Code::ResourceExhausted);
    assert!(status.metadata().get("retry-after").is_some());
    // Another user has a limit of their own; health is never counted.
    assert_eq!(system.get("mallory", "/api/candidates").await?.0, 200);
    assert_eq!(system.http.get(system.url("/api/readyz")).send().await?.status(), 200);
    system.stop().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_workers_own_calls_are_not_counted_against_any_limit() -> anyhow::Result<()> {
    // At 2 requests per minute, one worker running three jobs (a claim and a hand-over
    // each: six calls under its own token) would be refused from its third call on.
    let options = Options { api_rate_limit_per_min: 2, result_cache_ttl_secs: 3600, ..Options::default() };
    let system = System::start_with(Db::Sqlite, 0, options).await?;
    for user in ["u1", "u2", "u3"] {
        let (status, candidate) = system.post(user, "/api/candidates", e2e::sample_candidate()).await?;
        assert_eq!(status, 201);
        let body = json!({"candidate_id": candidate["id"]});
        let (status, job) = system.post(user, "/api/resume-async/generate-async", body).await?;
        assert_eq!(status, 202, "{job}");
    }
    let mut system = system;
    system.start_worker(1);
    // Each look at the stats is a new admin, with a limit of their own.
    let succeeded = eventually("the worker to finish all three jobs", PATIENCE, || async {
        let claims = json!({"sub": format!("ops-{}", uuid::Uuid::new_v4()),
                            "exp": chrono::Utc::now().timestamp() + 600, "roles": ["admin"]});
        let response =
            system.http.get(system.url("/api/admin/stats")).bearer_auth(system.token_with(claims)).send().await?;
        anyhow::ensure!(response.status() == 200, "stats: {}", response.status());
        let succeeded = response.json::<Value>().await?["succeeded"].clone();
        Ok((succeeded.as_i64() >= Some(3)).then_some(succeeded))
    })
    .await?;
    assert_eq!(succeeded, 3, "the worker finished every job");
    system.stop().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn task_starts_that_call_the_model_wait_for_the_shared_limit() -> anyhow::Result<()> {
    let model = FakeModel::start().await?;
    let options = Options {
        model_url: Some(model.url.clone()),
        retry_base_delay_ms: 50,
        max_attempts: 3,
        task_rate_limit_per_min: 2,
        ..Options::default()
    };
    // Two workers: the limit is theirs together.
    let system = System::start_with(Db::Sqlite, 2, options).await?;
    let (candidate, _) = system.candidate_with_target("rita").await?;
    let mut jobs = Vec::new();
    for n in 0..3 {
        let target = json!({"title": format!("Engineer {n}"), "company": "Acme", "description": "Rust"});
        let (status, target) = system.post("rita", &format!("/api/candidates/{candidate}/jobs"), target).await?;
        assert_eq!(status, 201);
        let body = json!({"candidate_id": candidate, "job_row_id": target["id"]});
        let (status, job) = system.post("rita", "/api/resume-async/generate-async", body).await?;
        assert_eq!(status, 202, "{job}");
        jobs.push(job["job_id"].as_str().unwrap().to_owned());
    }
    // Two of the three start at once (the minute's burst); the third waits, unclaimed.
    let succeeded = eventually("two of the three jobs to succeed", PATIENCE, || async {
        let mut succeeded = Vec::new();
        for job_id in &jobs {
            let (_, job) = system.get("rita", &format!("/api/resume-async/job-status/{job_id}")).await?;
            if job["status"] == "SUCCESS" {
                succeeded.push(job_id.clone());
            }
        }
        Ok((succeeded.len() >= 2).then_some(succeeded))
    })
    .await?;
    assert_eq!(succeeded.len(), 2, "two jobs run within the limit");
    let waiting = jobs.iter().find(|j| !succeeded.contains(j)).unwrap();
    // A worker has taken its task and found the limit spent: its timeline says so.
    let timeline = format!("/api/admin/jobs/{waiting}");
    let detail = eventually("the third job's timeline to say it waits for the limit", PATIENCE, || async {
        let (_, detail) = system.get_with_roles("watcher", &["ops"], &timeline).await?;
        let limited = detail["events"].as_array().is_some_and(|e| e.iter().any(|e| e["kind"] == "rate_limited"));
        Ok(limited.then_some(detail))
    })
    .await?;
    let (_, job) = system.get("rita", &format!("/api/resume-async/job-status/{waiting}")).await?;
    assert_eq!((job["status"].as_str(), job["attempts"].as_i64()), (Some("PENDING"), Some(0)), "{job}");
    assert_eq!(model.seen().len(), 4, "two resumes, two model calls each");
    // Its timeline says why, once (the task waits on, and is not recorded again).
    let kinds: Vec<&str> = detail["events"].as_array().unwrap().iter().map(|e| e["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["submitted", "queued", "rate_limited"], "{detail}");
    let waited = detail["events"][2]["detail"].as_str().unwrap();
    assert!(waited.starts_with("the model's task rate limit was reached; it starts in about"), "{waited}");
    system.stop().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_generous_limit_is_taken_from_redis_a_lease_at_a_time() -> anyhow::Result<()> {
    use fred::interfaces::{KeysInterface, LuaInterface};
    // 6,000 a minute: one request every 10 ms, leased ten at a time (a tenth of a second).
    let options = Options { api_rate_limit_per_min: 6_000, ..Options::default() };
    let system = System::start_with(Db::Sqlite, 0, options).await?;
    let redis = system.redis().await?;
    // The state is the limit's theoretical arrival time (unix µs): 10 ms past Redis's clock
    // for one request counted, 100 ms for a lease of ten. Measured from the clock as it was
    // before the request, a stall of this machine can only add to it. The state lives until
    // Redis's clock catches up with it: one read after a stall of more than 100 ms finds
    // nothing, and the first request is made again as another user.
    let clock = || async {
        let time: Vec<String> =
            redis.eval("return redis.call('TIME')", Vec::<String>::new(), Vec::<String>::new()).await?;
        anyhow::Ok(time[0].parse::<i64>()? * 1_000_000 + time[1].parse::<i64>()?)
    };
    let mut ahead = None;
    for attempt in 0..5 {
        let user = format!("lena-{attempt}");
        let key = resume_proto::redis::Keys::new(&system.prefix).rate(&format!("api:{user}"));
        let before = clock().await?;
        assert_eq!(system.get(&user, "/api/candidates").await?.0, 200);
        if let Some(state) = redis.get::<Option<i64>, _>(&key).await? {
            ahead = Some(state - before);
            break;
        }
    }
    let ahead = ahead.expect("the state outlived its read once in five tries");
    assert!(ahead >= 100_000, "ten requests were counted for the first: the state is {ahead} µs ahead");
    let key = resume_proto::redis::Keys::new(&system.prefix).rate("api:lena");
    // Thirty requests take three leases, not thirty (a few more only if this machine
    // stalled past a lease's one-second life).
    let mut states = std::collections::HashSet::new();
    for _ in 0..30 {
        assert_eq!(system.get("lena", "/api/candidates").await?.0, 200);
        states.extend(redis.get::<Option<u64>, _>(&key).await?);
    }
    assert!((1..=8).contains(&states.len()), "{} leases seen for 30 requests", states.len());
    system.stop().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lease_never_takes_more_than_the_limit_has_left() -> anyhow::Result<()> {
    use runtime::rate::{RateLimit, Take};
    let system = System::start(Db::Sqlite, 0).await?;
    let redis = system.redis().await?;
    let key = resume_proto::redis::Keys::new(&system.prefix).rate("api:lease-test");
    // 60 a minute: a burst of 60, then one a second.
    let limit = RateLimit::per_minute(60);
    assert_eq!(limit.take(&redis, key.clone(), 50).await?, Take::Granted(50));
    assert_eq!(limit.take(&redis, key.clone(), 50).await?, Take::Granted(10), "only ten were left");
    match limit.take(&redis, key.clone(), 50).await? {
        Take::Wait(wait) => assert!(wait <= Duration::from_secs(1) && wait > Duration::ZERO, "{wait:?}"),
        granted => panic!("the burst is spent: {granted:?}"),
    }
    assert!(limit.check(&redis, key).await?.is_some(), "and one at a time too");
    system.stop().await
}
