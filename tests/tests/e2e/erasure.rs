//! Erasing a candidate takes every cached result made for them: whatever data they had
//! when it was made (they may have been edited since), for every target job they ever had
//! (deleted ones too) and every file type, in both caches (documents and contents) and at
//! both levels (Redis and the database). The same data entered again is generated anew.

use e2e::{Db, Options, System, fake_model::FakeModel, sample_candidate, sample_target};
use fred::interfaces::KeysInterface;
use futures::TryStreamExt;
use resume_proto::{
    time::to_timestamp,
    v1::{self, CachedResume},
};
use serde_json::{Value, json};
use std::time::Duration;

const USER: &str = "erasure";

async fn created(system: &System, path: &str, body: Value) -> anyhow::Result<i64> {
    let (status, made) = system.post(USER, path, body).await?;
    anyhow::ensure!(status == 201, "POST {path}: {status} {made}");
    Ok(made["id"].as_i64().expect("an id"))
}

/// Generates `file_type` for `candidate` (and `target`) and waits for it: the job as it ended.
async fn generated(system: &System, candidate: i64, target: Option<i64>, file_type: &str) -> anyhow::Result<Value> {
    let body = json!({"candidate_id": candidate, "job_row_id": target, "file_type": file_type});
    let job = system.submit(USER, &body).await?;
    let ended = system.poll_until_done(USER, job["job_id"].as_str().expect("a job id")).await?;
    Ok(ended.last().expect("a state").clone())
}

/// The candidate `made` (as REST answered its creation) as the worker is handed it: what
/// names its cache list and erasure marker.
fn as_the_worker_sees(made: &Value) -> anyhow::Result<v1::Candidate> {
    let created: chrono::DateTime<chrono::Utc> = made["created_at"].as_str().expect("a time").parse()?;
    Ok(v1::Candidate {
        id: made["id"].as_i64().expect("an id"),
        created_at: Some(to_timestamp(created)),
        ..Default::default()
    })
}

async fn cached_entries(system: &System) -> anyhow::Result<usize> {
    let redis = system.redis().await?;
    let keys: Vec<fred::types::Key> =
        redis.scan_buffered(system.keys().cached("*"), Some(100), None).try_collect().await?;
    Ok(keys.len())
}

async fn delete(system: &System, path: &str) -> anyhow::Result<()> {
    let response = system.http.delete(system.url(path)).bearer_auth(system.token(USER)).send().await?;
    anyhow::ensure!(response.status() == 204, "DELETE {path}: {}", response.status());
    Ok(())
}

async fn erasure_after_edits(db: Db) -> anyhow::Result<()> {
    let model = FakeModel::start().await?;
    let system = System::start_with(db, 1, Options::on_model(&model.url)).await?;
    let original = sample_candidate();
    let mut edited = original.clone();
    edited["headline"] = json!("Engine whisperer");
    let other_target = json!({"title": "Data Engineer", "company": "Jacquard Looms",
                              "description": "Punched cards at scale, in Rust."});

    // What the candidate had over time: the original data with a target (PDF) and without
    // one (Word); edited, for that target (text); that target deleted, another one (Markdown).
    let (status, made) = system.post(USER, "/api/candidates", original.clone()).await?;
    assert_eq!(status, 201, "{made}");
    let id = made["id"].as_i64().expect("an id");
    let first_target = created(&system, &format!("/api/candidates/{id}/jobs"), sample_target()).await?;
    for (target, file_type) in [(Some(first_target), "pdf"), (None, "word")] {
        let job = generated(&system, id, target, file_type).await?;
        assert_eq!((job["status"].as_str(), job["cache_hit"].as_bool()), (Some("SUCCESS"), Some(false)), "{job}");
    }
    let response =
        system.http.put(system.url(&format!("/api/candidates/{id}"))).bearer_auth(system.token(USER)).json(&edited);
    assert_eq!(response.send().await?.status(), 200);
    assert_eq!(generated(&system, id, Some(first_target), "text").await?["status"], "SUCCESS");
    delete(&system, &format!("/api/candidates/{id}/jobs/{first_target}")).await?;
    let second_target = created(&system, &format!("/api/candidates/{id}/jobs"), other_target.clone()).await?;
    assert_eq!(generated(&system, id, Some(second_target), "markdown").await?["status"], "SUCCESS");
    let calls = model.seen().len();
    assert_eq!(calls, 8, "four generations of two calls each");
    assert!(cached_entries(&system).await? >= 8, "a content and a document per generation");

    delete(&system, &format!("/api/candidates/{id}")).await?;
    assert_eq!(cached_entries(&system).await?, 0, "cached results outlived their candidate");
    // A worker that finishes for the erased candidate only now caches nothing (the same
    // write for a candidate still there is kept).
    let erased = as_the_worker_sees(&made)?;
    let cache = worker::redis::result_cache::ResultCache::new(system.redis().await?, system.keys());
    let (late, ttl) = (CachedResume::default(), Duration::from_secs(60));
    cache.put(&erased, "late", &late, ttl).await?;
    cache.put(&v1::Candidate { id: id + 1000, ..erased }, "kept", &late, ttl).await?;
    let redis = system.redis().await?;
    let (late_one, kept_one): (i64, i64) =
        (redis.exists(system.keys().cached("late")).await?, redis.exists(system.keys().cached("kept")).await?);
    assert_eq!((late_one, kept_one), (0, 1), "the late write is not kept, the control is");
    let _: i64 = redis.del(system.keys().cached("kept")).await?;
    assert_eq!(system.rows("resume_content").await?, 0, "contents outlived their candidate");

    // Every one of those requests, entered again, is made anew: nothing answers from what
    // the erased candidate left (a leftover would be a SUCCESS at submit, or a cache hit).
    let again = created(&system, "/api/candidates", original).await?;
    let target = created(&system, &format!("/api/candidates/{again}/jobs"), sample_target()).await?;
    let edited_again = created(&system, "/api/candidates", edited).await?;
    let edited_target = created(&system, &format!("/api/candidates/{edited_again}/jobs"), sample_target()).await?;
    let other = created(&system, &format!("/api/candidates/{edited_again}/jobs"), other_target).await?;
    let requests = [
        (again, Some(target), "pdf"),
        (again, None, "word"),
        (edited_again, Some(edited_target), "text"),
        (edited_again, Some(other), "markdown"),
    ];
    for (candidate, target, file_type) in requests {
        let body = json!({"candidate_id": candidate, "job_row_id": target, "file_type": file_type});
        let job = system.submit(USER, &body).await?;
        assert_eq!(job["status"], "PENDING", "answered at submit from an erased candidate's cache: {job}");
        let job = system.poll_until_done(USER, job["job_id"].as_str().unwrap()).await?.pop().unwrap();
        assert_eq!((job["status"].as_str(), job["cache_hit"].as_bool()), (Some("SUCCESS"), Some(false)), "{job}");
    }
    assert_eq!(model.seen().len(), calls + 8, "every request called the model again");
    system.stop().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_erased_candidate_leaves_no_cached_result_on_sqlite() -> anyhow::Result<()> {
    erasure_after_edits(Db::Sqlite).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_erased_candidate_leaves_no_cached_result_on_postgres() -> anyhow::Result<()> {
    erasure_after_edits(Db::Postgres).await
}
