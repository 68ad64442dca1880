//! Job lifecycle beyond the happy path: cancel, priority, listing, the queue's bookkeeping.

use e2e::{Db, PATIENCE, System, eventually};
use fred::{prelude::*, types::Expiration};
use resume_proto::{
    redis::{Queue, registry},
    v1,
};
use serde_json::{Value, json};

async fn submit(system: &System, user: &str, body: Value) -> anyhow::Result<String> {
    let (status, job) = system.post(user, "/api/resume-async/generate-async", body).await?;
    anyhow::ensure!(status == 202, "{status} {job}");
    Ok(job["job_id"].as_str().unwrap().to_owned())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cancelled_job_is_never_built() -> anyhow::Result<()> {
    let mut system = System::start(Db::Sqlite, 0).await?;
    let (candidate, _) = system.candidate_with_target("canceller").await?;
    let job_id = submit(&system, "canceller", json!({"candidate_id": candidate})).await?;
    let redis = system.redis().await?;
    assert_eq!(system.depth(Queue::ResumeGeneration).await?, 1, "the task waits in its queue");

    let (status, job) = system.post("canceller", &format!("/api/resume-async/cancel/{job_id}"), json!({})).await?;
    assert_eq!((status, job["status"].as_str()), (200, Some("CANCELLED")));
    assert!(job["completed_at"].is_string());
    let (status, body) = system.get("canceller", &format!("/api/resume-async/download/{job_id}")).await?;
    assert_eq!((status, body["error"]["code"].as_str()), (409, Some("FAILED_PRECONDITION")));

    // A worker takes the task, finds the job cancelled and drops it. A job queued after it
    // runs on the same one-slot worker: once that one has succeeded and no task is left
    // waiting or in flight, the worker has been through the cancelled job's task.
    let later = submit(&system, "canceller", json!({"candidate_id": candidate, "file_type": "pdf"})).await?;
    system.start_worker(1);
    let done = system.poll_until_done("canceller", &later).await?.pop().unwrap();
    assert_eq!(done["status"], "SUCCESS", "{done}");
    let keys = system.keys();
    eventually("the cancelled job's task to leave the queue and the worker", PATIENCE, || async {
        let queued = system.depth(Queue::ResumeGeneration).await?;
        let workers: Vec<String> = redis.smembers(keys.workers()).await?;
        let mut held = 0;
        for worker in &workers {
            held += redis.llen::<i64, _>(keys.in_flight(worker)).await?;
        }
        Ok((queued == 0 && held == 0 && !workers.is_empty()).then_some(()))
    })
    .await?;
    let (_, job) = system.get("canceller", &format!("/api/resume-async/job-status/{job_id}")).await?;
    assert_eq!(job["status"], "CANCELLED");
    assert_eq!(job["attempts"], 0);
    let (_, detail) = system.get_with_roles("watcher", &["ops"], &format!("/api/admin/jobs/{job_id}")).await?;
    let kinds: Vec<&str> = detail["events"].as_array().unwrap().iter().map(|e| e["kind"].as_str().unwrap()).collect();
    assert!(!kinds.contains(&"claimed"), "the cancelled job was claimed: {detail}");
    // Whom it is for, in words; a general resume has no target.
    assert_eq!(
        (&detail["candidate_name"], &detail["target_title"], &detail["target_company"]),
        (&json!("Ada Lovelace"), &Value::Null, &Value::Null),
        "{detail}"
    );
    // Cancelling again answers the job as it is.
    let (status, again) = system.post("canceller", &format!("/api/resume-async/cancel/{job_id}"), json!({})).await?;
    assert_eq!((status, again["status"].as_str()), (200, Some("CANCELLED")));
    system.stop().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn high_priority_starts_before_waiting_default_tasks() -> anyhow::Result<()> {
    let mut system = System::start(Db::Sqlite, 0).await?;
    let (candidate, _) = system.candidate_with_target("prio").await?;
    let mut defaults = Vec::new();
    for _ in 0..3 {
        defaults.push(submit(&system, "prio", json!({"candidate_id": candidate})).await?);
    }
    let high = submit(&system, "prio", json!({"candidate_id": candidate, "priority": "high"})).await?;
    system.start_worker(1);
    let mut started = Vec::new();
    for job_id in defaults.iter().chain([&high]) {
        let seen = system.poll_until_done("prio", job_id).await?;
        let last = seen.last().unwrap();
        assert_eq!(last["status"], "SUCCESS");
        started.push(chrono::DateTime::parse_from_rfc3339(last["started_at"].as_str().unwrap())?);
    }
    let high_started = started[3];
    assert!(started[..3].iter().all(|t| *t > high_started), "high started at {high_started}, defaults at {started:?}");
    system.stop().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn my_jobs_are_newest_first_filtered_and_paged() -> anyhow::Result<()> {
    let system = System::start(Db::Postgres, 0).await?;
    let (first, _) = system.candidate_with_target("pager").await?;
    let (second, _) = system.candidate_with_target("pager").await?;
    let a = submit(&system, "pager", json!({"candidate_id": first})).await?;
    let b = submit(&system, "pager", json!({"candidate_id": second, "file_type": "pdf"})).await?;
    let c = submit(&system, "pager", json!({"candidate_id": first})).await?;

    let (_, page) = system.get("pager", "/api/resume-async/my-jobs?limit=2").await?;
    let ids: Vec<&str> = page["jobs"].as_array().unwrap().iter().map(|j| j["job_id"].as_str().unwrap()).collect();
    assert_eq!(ids, [c.as_str(), b.as_str()]);
    let token = page["next_page_token"].as_str().unwrap();
    let (_, page) = system.get("pager", &format!("/api/resume-async/my-jobs?limit=2&page_token={token}")).await?;
    assert_eq!(page["jobs"][0]["job_id"], a.as_str());
    assert_eq!(page["next_page_token"], Value::Null);

    let (_, filtered) = system.get("pager", &format!("/api/resume-async/my-jobs?candidate_id={second}")).await?;
    assert_eq!(filtered["jobs"].as_array().unwrap().len(), 1);
    assert_eq!(filtered["jobs"][0]["file_type"], "pdf");
    let (_, pending) = system.get("pager", "/api/resume-async/my-jobs?status=PENDING").await?;
    assert_eq!(pending["jobs"].as_array().unwrap().len(), 3);
    let (_, done) = system.get("pager", "/api/resume-async/my-jobs?status=SUCCESS").await?;
    assert_eq!(done["jobs"], json!([]));
    system.stop().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_finished_task_leaves_no_trace_in_the_queues() -> anyhow::Result<()> {
    let system = System::start(Db::Sqlite, 1).await?;
    let (candidate, _) = system.candidate_with_target("tidy").await?;
    let job_id = submit(&system, "tidy", json!({"candidate_id": candidate, "priority": "high"})).await?;
    let seen = system.poll_until_done("tidy", &job_id).await?;
    assert_eq!(seen.last().unwrap()["status"], "SUCCESS");
    let redis = system.redis().await?;
    let keys = system.keys();
    eventually("the finished task to leave the worker's in-flight list", PATIENCE, || async {
        let workers: Vec<String> = redis.smembers(keys.workers()).await?;
        anyhow::ensure!(workers.len() == 1, "one worker is registered: {workers:?}");
        let mut leftovers = 0;
        for worker in workers {
            leftovers += redis.llen::<i64, _>(keys.in_flight(&worker)).await?;
        }
        Ok((leftovers == 0).then_some(()))
    })
    .await?;
    assert_eq!(system.depth(Queue::PriorityHigh).await?, 0);
    system.stop().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dead_workers_task_is_taken_over_once_its_heartbeat_expires() -> anyhow::Result<()> {
    let mut system = System::start(Db::Sqlite, 0).await?;
    let (candidate, _) = system.candidate_with_target("orphan").await?;
    let job_id = submit(&system, "orphan", json!({"candidate_id": candidate})).await?;
    // What a worker killed mid-task leaves in Redis: the task in its in-flight list, its
    // registry entry, and a heartbeat that still lives (until the test lets it expire).
    let redis = system.redis().await?;
    let keys = system.keys();
    let (dead, in_flight) = ("killed-worker", keys.in_flight("killed-worker"));
    assert!(system.take_as(dead).await?.is_some(), "the task was queued");
    let beat = registry::encode(&v1::WorkerHeartbeat { host: "gone".into(), concurrency: 4, ..Default::default() });
    let _: () = redis.set(keys.heartbeat(dead), beat.clone(), Some(Expiration::PX(60_000)), None, false).await?;
    let _: () = redis.set(keys.last_heartbeat(dead), beat, Some(Expiration::PX(60_000)), None, false).await?;
    let _: () = redis.sadd(keys.workers(), dead).await?;
    // And a worker that died long ago, its heartbeat gone, holding another job's task.
    let other = submit(&system, "orphan", json!({"candidate_id": candidate, "file_type": "pdf"})).await?;
    assert!(system.take_as("long-dead-worker").await?.is_some(), "the other task was queued");
    let _: () = redis.sadd(keys.workers(), "long-dead-worker").await?;

    system.start_worker(2);
    // One sweep reads every registered worker's heartbeat: the sweep that returned the long
    // dead worker's task (its job has run) found the killed worker's heartbeat alive.
    let done = system.poll_until_done("orphan", &other).await?.pop().unwrap();
    assert_eq!(done["status"], "SUCCESS", "{done}");
    let (_, job) = system.get("orphan", &format!("/api/resume-async/job-status/{job_id}")).await?;
    assert_eq!(job["status"], "PENDING", "a task is not taken from a worker whose heartbeat lives");

    // Its heartbeat expires.
    let _: i64 = redis.del(keys.heartbeat(dead)).await?;
    let seen = system.poll_until_done("orphan", &job_id).await?;
    assert_eq!(seen.last().unwrap()["status"], "SUCCESS", "{seen:?}");
    let left: i64 = redis.llen(&in_flight).await?;
    assert_eq!(left, 0, "the dead worker's in-flight list is empty");
    let workers: Vec<String> = redis.smembers(keys.workers()).await?;
    assert!(!workers.contains(&dead.to_owned()), "the dead worker left the registry: {workers:?}");

    // The timeline names the dead worker, before the claim that took its task over.
    let (_, detail) = system.get_with_roles("watcher", &["ops"], &format!("/api/admin/jobs/{job_id}")).await?;
    let kinds: Vec<&str> = detail["events"].as_array().unwrap().iter().map(|e| e["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["submitted", "queued", "recovered", "claimed", "succeeded"], "{detail}");
    let recovered = &detail["events"][2];
    assert_eq!(recovered["worker"], dead);
    assert!(
        recovered["detail"].as_str().unwrap().starts_with("from lost worker killed-worker: back in resume_generation")
    );
    // The console shows it lost for an hour: when, what it said last, what it held.
    let (_, listed) = system.get_with_roles("watcher", &["ops"], "/api/admin/workers").await?;
    let workers = listed["workers"].as_array().unwrap();
    let live: Vec<&Value> = workers.iter().filter(|w| w["state"] == "live").collect();
    assert!(live.len() == 1 && live[0]["lost_at"].is_null(), "{listed}");
    let lost = workers.iter().find(|w| w["id"] == dead).expect("the killed worker is listed");
    assert_eq!(
        (lost["state"].as_str(), lost["host"].as_str(), lost["concurrency"].as_i64()),
        (Some("lost"), Some("gone"), Some(4))
    );
    assert_eq!(lost["held_job_ids"], json!([job_id]), "{lost}");
    assert!(lost["lost_at"].as_str().is_some(), "{listed}");
    system.stop().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn accepted_jobs_survive_redis_losing_its_data() -> anyhow::Result<()> {
    use futures::TryStreamExt;
    let mut system = System::start(Db::Sqlite, 0).await?;
    let (candidate, target) = system.candidate_with_target("phoenix").await?;
    let mut jobs = vec![
        submit(&system, "phoenix", json!({"candidate_id": candidate})).await?,
        submit(&system, "phoenix", json!({"candidate_id": candidate, "job_row_id": target, "priority": "high"}))
            .await?,
    ];
    // Redis restarts without persistence: every key of this deployment is gone.
    let redis = system.redis().await?;
    let keys: Vec<fred::types::Key> =
        redis.scan_buffered(system.keys().every_key(), Some(100), None).try_collect().await?;
    assert!(keys.len() >= 2, "the queue and the marker were there: {keys:?}");
    let _: i64 = redis.del(keys).await?;
    // A job accepted after the loss is queued into the empty Redis, and must run once.
    jobs.push(submit(&system, "phoenix", json!({"candidate_id": candidate, "file_type": "pdf"})).await?);
    system.start_worker(2);
    for job_id in &jobs {
        let seen = system.poll_until_done("phoenix", job_id).await?;
        let last = seen.last().unwrap();
        assert_eq!((last["status"].as_str(), last["attempts"].as_i64()), (Some("SUCCESS"), Some(1)), "{last}");
    }
    let intact: i64 = redis.exists(system.keys().intact()).await?;
    assert_eq!(intact, 1, "the server marked the rebuilt queues");
    // The timeline says so: queued, queued again after the loss, then run once.
    let path = format!("/api/admin/jobs/{}", jobs[1]);
    let (_, detail) = system.get_with_roles("watcher", &["ops"], &path).await?;
    let kinds: Vec<&str> = detail["events"].as_array().unwrap().iter().map(|e| e["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["submitted", "queued", "requeued", "claimed", "succeeded"], "{detail}");
    assert_eq!(detail["events"][2]["detail"], "priority_high");
    system.stop().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_worker_killed_mid_task_is_named_on_the_timeline_of_the_job_it_held() -> anyhow::Result<()> {
    use e2e::{Options, fake_model::FakeModel};
    let model = FakeModel::start().await?;
    let options = Options { result_cache_ttl_secs: 0, ..Options::on_model(&model.url) };
    let mut system = System::start_with(Db::Sqlite, 0, options).await?;
    let (candidate, _) = system.candidate_with_target("bereaved").await?;
    // The model answers slowly: the worker is killed while it waits.
    model.set_latency(std::time::Duration::from_secs(60));
    let doomed = system.start_doomed_worker();
    let job_id = submit(&system, "bereaved", json!({"candidate_id": candidate})).await?;
    let status = system.job_when("bereaved", &job_id, "PROCESSING", std::time::Duration::from_secs(10)).await?;
    assert_eq!(status["status"], "PROCESSING", "{status}");
    let dead = doomed.id.clone();
    doomed.kill();
    model.set_latency(std::time::Duration::ZERO);
    system.start_worker(1);
    // Its heartbeat expires (10 s), then the live worker takes the task over.
    let last = system.job_when("bereaved", &job_id, "SUCCESS", std::time::Duration::from_secs(40)).await?;
    assert_eq!((last["status"].as_str(), last["attempts"].as_i64()), (Some("SUCCESS"), Some(2)), "{last}");
    let (_, detail) = system.get_with_roles("watcher", &["ops"], &format!("/api/admin/jobs/{job_id}")).await?;
    let events = detail["events"].as_array().unwrap();
    let kinds: Vec<&str> = events.iter().map(|e| e["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["submitted", "queued", "claimed", "recovered", "claimed", "succeeded"], "{detail}");
    assert_eq!(
        (events[2]["worker"].as_str(), events[3]["worker"].as_str()),
        (Some(dead.as_str()), Some(dead.as_str()))
    );
    assert_ne!(events[4]["worker"], events[2]["worker"], "another worker finished it");
    let (_, listed) = system.get_with_roles("watcher", &["ops"], "/api/admin/workers").await?;
    let lost = listed["workers"].as_array().unwrap().iter().find(|w| w["id"] == dead.as_str()).cloned();
    let lost = lost.expect("the killed worker is listed");
    assert_eq!((lost["state"].as_str(), &lost["held_job_ids"]), (Some("lost"), &json!([job_id])), "{lost}");
    system.stop().await
}

/// A claim reads what its task names (the job's candidate and target) while it claims, but
/// answers with what the job row names: a task naming someone else's candidate and target
/// (a stale or forged one) still builds the job's own.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_claim_answers_with_its_jobs_own_candidate_whatever_the_task_names() -> anyhow::Result<()> {
    let system = System::start(Db::Sqlite, 0).await?;
    let (own, own_target) = system.candidate_with_target("claimed").await?;
    let (other, other_target) = system.candidate_with_target("someone-else").await?;
    let job_id = submit(&system, "claimed", json!({"candidate_id": own, "job_row_id": own_target})).await?;
    let claim = v1::ClaimTaskRequest {
        job_id,
        worker_id: "claimer".into(),
        candidate_id: other,
        job_row_id: Some(other_target),
        ..Default::default()
    };
    let mut request = tonic::Request::new(claim);
    let token = system.token_with_roles("claimer", &["worker"]);
    request.metadata_mut().insert("authorization", format!("Bearer {token}").parse()?);
    let mut workers = v1::worker_service_client::WorkerServiceClient::new(system.channel().await?);
    let claimed = workers.claim_task(request).await?.into_inner();
    assert!(claimed.proceed);
    let (candidate, target) = (claimed.candidate.expect("a candidate"), claimed.target.expect("a target"));
    assert_eq!((candidate.id, target.id), (own, own_target), "the job's own, not the task's");
    system.stop().await
}
