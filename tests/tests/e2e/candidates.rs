//! Editing and deleting candidates over REST: a replacement is validated like a creation,
//! and a deleted candidate leaves nothing readable behind (jobs, files, cached results),
//! a running job of theirs cancelled first; other users' ids are 404 as everywhere.

use std::time::Duration;

use e2e::{Db, Options, PATIENCE, System, eventually, fake_model::FakeModel, sample_candidate};
use fred::prelude::*;
use futures::TryStreamExt;
use resume_proto::{redis::registry, time::from_timestamp};
use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_candidate_is_replaced_and_deleted_with_everything_made_from_them_on_sqlite() -> anyhow::Result<()> {
    a_candidate_is_replaced_and_deleted_with_everything_made_from_them(Db::Sqlite).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_candidate_is_replaced_and_deleted_with_everything_made_from_them_on_postgres() -> anyhow::Result<()> {
    a_candidate_is_replaced_and_deleted_with_everything_made_from_them(Db::Postgres).await
}

async fn a_candidate_is_replaced_and_deleted_with_everything_made_from_them(db: Db) -> anyhow::Result<()> {
    let model = FakeModel::start().await?;
    let options = Options {
        model_url: Some(model.url.clone()),
        retry_base_delay_ms: 50,
        max_attempts: 3,
        result_cache_ttl_secs: 3600,
        ..Options::default()
    };
    let system = System::start_with(db, 1, options).await?;
    let user = "editor";
    let (id, target) = system.candidate_with_target(user).await?;
    let path = format!("/api/candidates/{id}");

    // Replace: validated like a creation, every field replaced, invisible to others.
    let mut edited = sample_candidate();
    edited["full_name"] = json!("Ada King");
    edited["skills"] = json!(["Rust"]);
    let put = |body: serde_json::Value, as_user: &'static str| {
        let request = system.http.put(system.url(&path)).bearer_auth(system.token(as_user)).json(&body);
        async move { anyhow::Ok(request.send().await?) }
    };
    let response = put(json!({"full_name": " "}), user).await?;
    assert_eq!(response.status(), 400);
    assert!(response.text().await?.contains("full_name is required"));
    assert_eq!(put(edited.clone(), "stranger").await?.status(), 404);
    let response = put(edited.clone(), user).await?;
    assert_eq!(response.status(), 200);
    let (_, shown) = system.get(user, &path).await?;
    assert_eq!((shown["full_name"].as_str(), shown["skills"].clone()), (Some("Ada King"), json!(["Rust"])), "{shown}");

    // A finished job (its result cached) and one still running when the candidate goes.
    let generate = json!({"candidate_id": id, "job_row_id": target});
    let (_, done) = system.post(user, "/api/resume-async/generate-async", generate.clone()).await?;
    let done = done["job_id"].as_str().unwrap().to_owned();
    assert_eq!(system.poll_until_done(user, &done).await?.last().unwrap()["status"], "SUCCESS");
    let redis = system.redis().await?;
    let cached = || async {
        let keys: Vec<fred::types::Key> =
            redis.scan_buffered(system.keys().cached("*"), Some(100), None).try_collect().await?;
        anyhow::Ok(keys.len())
    };
    assert_eq!(cached().await?, 2, "the content and the document are cached");
    // The model answers slowly enough that the job is still running when it is deleted, on
    // a machine as slow as ours.
    model.set_latency(Duration::from_secs(10));
    let (_, running) = system.post(user, "/api/resume-async/generate-async", json!({"candidate_id": id})).await?;
    let running = running["job_id"].as_str().unwrap().to_owned();
    let job = system.job_when(user, &running, "PROCESSING", PATIENCE).await?;
    assert_eq!(job["status"], "PROCESSING", "the second job did not start: {job}");

    // Its watcher sees it cancelled before the rows go.
    let events = system
        .http
        .get(system.url(&format!("/api/resume-async/job-events/{running}")))
        .bearer_auth(system.token(user))
        .send()
        .await?;
    let watched = tokio::spawn(async move { events.text().await });

    let delete = |path: String, as_user: &'static str| {
        let request = system.http.delete(system.url(&path)).bearer_auth(system.token(as_user));
        async move { anyhow::Ok(request.send().await?.status().as_u16()) }
    };
    assert_eq!(delete(path.clone(), "stranger").await?, 404);
    assert_eq!(delete(path.clone(), user).await?, 204);
    assert_eq!(delete(path.clone(), user).await?, 404, "gone");
    assert_eq!(cached().await?, 0, "the cached result went with the candidate");
    let watched = tokio::time::timeout(PATIENCE, watched)
        .await
        .map_err(|_| anyhow::anyhow!("waited {PATIENCE:?} for the running job's event stream to end"))???;
    assert!(watched.contains("\"status\":\"CANCELLED\""), "the running job was not cancelled first: {watched}");
    for gone in [
        path.clone(),
        format!("{path}/jobs"),
        format!("/api/resume-async/job-status/{done}"),
        format!("/api/resume-async/download/{done}"),
        format!("/api/resume-async/job-status/{running}"),
    ] {
        assert_eq!(system.get(user, &gone).await?.0, 404, "{gone}");
    }
    let (status, _) = system.post(user, "/api/resume-async/generate-async", generate).await?;
    assert_eq!(status, 404);
    let (_, mine) = system.get(user, "/api/resume-async/my-jobs").await?;
    assert_eq!(mine["jobs"], json!([]), "{mine}");
    // The worker that held the running job lets it go: nothing stays in flight.
    model.set_latency(Duration::ZERO);
    let in_flight = || async {
        let workers: Vec<String> = redis.smembers(system.keys().workers()).await?;
        let mut held = 0;
        for worker in workers {
            held += redis.llen::<i64, _>(system.keys().in_flight(&worker)).await?;
        }
        anyhow::Ok(held)
    };
    eventually("the deleted candidate's task to leave the worker", PATIENCE, || async {
        Ok((in_flight().await? == 0).then_some(()))
    })
    .await?;
    // As a cancelled task, not a failed one (the job's rows are gone: its reports are
    // NOT_FOUND): the worker's next heartbeat counts no failure.
    let left = chrono::Utc::now();
    let beat = eventually("a heartbeat after the task left the worker", PATIENCE, || async {
        let workers: Vec<String> = redis.smembers(system.keys().workers()).await?;
        let worker = workers.first().ok_or_else(|| anyhow::anyhow!("no worker registered"))?;
        let raw: Option<Vec<u8>> = redis.get(system.keys().heartbeat(worker)).await?;
        let beat = registry::decode(raw.as_deref());
        let at = beat.as_ref().and_then(|b| b.last_heartbeat.as_ref()).and_then(from_timestamp);
        Ok(beat.filter(|_| at.is_some_and(|at| at > left)))
    })
    .await?;
    assert_eq!(beat.failed, 0, "the worker failed the deleted candidate's task: {beat:?}");
    system.stop().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_target_job_is_deleted_by_its_owner_only_on_sqlite() -> anyhow::Result<()> {
    a_target_job_is_deleted_by_its_owner_only(Db::Sqlite).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_target_job_is_deleted_by_its_owner_only_on_postgres() -> anyhow::Result<()> {
    a_target_job_is_deleted_by_its_owner_only(Db::Postgres).await
}

async fn a_target_job_is_deleted_by_its_owner_only(db: Db) -> anyhow::Result<()> {
    let system = System::start(db, 0).await?;
    let (id, target) = system.candidate_with_target("owner").await?;
    let path = format!("/api/candidates/{id}/jobs/{target}");
    let delete = |as_user: &'static str| {
        let request = system.http.delete(system.url(&path)).bearer_auth(system.token(as_user));
        async move { anyhow::Ok(request.send().await?.status().as_u16()) }
    };
    assert_eq!(delete("stranger").await?, 404);
    assert_eq!(delete("owner").await?, 204);
    assert_eq!(delete("owner").await?, 404);
    let (_, jobs) = system.get("owner", &format!("/api/candidates/{id}/jobs")).await?;
    assert_eq!(jobs["jobs"], json!([]));
    let response = system
        .http
        .delete(system.url(&format!("/api/candidates/{id}/jobs/x")))
        .bearer_auth(system.token("owner"))
        .send()
        .await?;
    assert_eq!(response.status(), 400, "a malformed id names the field");
    system.stop().await
}
