//! A job's timeline as operators read it (`GET /api/admin/jobs/{job_id}`): one entry per
//! thing that happened, written with the transition it records.

use std::time::Duration;

use e2e::{
    Db, Options, System,
    fake_model::{FakeModel, Reply},
};
use serde_json::{Value, json};

async fn timeline(system: &System, job_id: &str) -> anyhow::Result<Value> {
    let (status, detail) = system.get_with_roles("watcher", &["ops"], &format!("/api/admin/jobs/{job_id}")).await?;
    anyhow::ensure!(status == 200, "{status} {detail}");
    Ok(detail)
}

fn kinds(detail: &Value) -> Vec<&str> {
    detail["events"].as_array().unwrap().iter().map(|e| e["kind"].as_str().unwrap()).collect()
}

/// One worker on `model`, three attempts 20 ms apart, no result cache (every job calls the
/// model).
async fn retrying_system(model: &FakeModel, db: Db) -> anyhow::Result<System> {
    let options = Options {
        model_url: Some(model.url.clone()),
        retry_base_delay_ms: 20,
        max_attempts: 3,
        result_cache_ttl_secs: 0,
        ..Options::default()
    };
    System::start_with(db, 1, options).await
}

async fn finished(system: &System, user: &str, body: &Value) -> anyhow::Result<Value> {
    let job = system.submit(user, body).await?;
    Ok(system.poll_until_done(user, job["job_id"].as_str().unwrap()).await?.pop().unwrap())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_transition_is_in_the_timeline_and_only_operators_read_it() -> anyhow::Result<()> {
    let model = FakeModel::start().await?;
    let system = System::start_with(Db::Sqlite, 1, Options::on_model(&model.url)).await?;
    let (candidate, target) = system.candidate_with_target("ada").await?;
    let body = json!({"candidate_id": candidate, "job_row_id": target, "file_type": "pdf", "priority": "high"});
    let job = finished(&system, "ada", &body).await?;
    let job_id = job["job_id"].as_str().unwrap();
    let detail = timeline(&system, job_id).await?;
    assert_eq!(kinds(&detail), ["submitted", "queued", "claimed", "succeeded"], "{detail}");
    let (job_view, events) = (&detail["job"], &detail["events"]);
    assert_eq!((job_view["job_id"].as_str(), job_view["status"].as_str()), (Some(job_id), Some("SUCCESS")));
    assert_eq!((job_view["owner"].as_str(), job_view["queue"].as_str()), (Some("ada"), Some("priority_high")));
    assert_eq!(events[1]["detail"], "priority_high");
    let worker = events[2]["worker"].as_str().expect("the claim names its worker");
    assert!(!worker.is_empty());
    assert_eq!((events[2]["attempt"].as_i64(), job_view["worker"].as_str()), (Some(1), Some(worker)));
    assert!(events[3]["detail"].as_str().unwrap().contains("tokens"), "{detail}");
    let times: Vec<&str> = events.as_array().unwrap().iter().map(|e| e["at"].as_str().unwrap()).collect();
    assert!(times.windows(2).all(|w| w[0] <= w[1]), "oldest first: {times:?}");

    // A cache hit is answered at submit.
    let hit = system.submit("ada", &body).await?;
    assert_eq!(kinds(&timeline(&system, hit["job_id"].as_str().unwrap()).await?), ["submitted", "answered_from_cache"]);

    // A cancel names who cancelled (long before the model would have answered).
    model.set_latency(Duration::from_secs(3));
    let slow = system.submit("ada", &json!({"candidate_id": candidate, "file_type": "word"})).await?;
    let slow_id = slow["job_id"].as_str().unwrap();
    let (status, _) = system.post("ada", &format!("/api/resume-async/cancel/{slow_id}"), json!({})).await?;
    assert_eq!(status, 200);
    let detail = timeline(&system, slow_id).await?;
    let last = detail["events"].as_array().unwrap().last().unwrap();
    assert_eq!((last["kind"].as_str(), last["detail"].as_str()), (Some("cancelled"), Some("by ada")), "{detail}");

    // Users may not read it; admins may; ids are checked.
    let (status, _) = system.get("ada", &format!("/api/admin/jobs/{job_id}")).await?;
    assert_eq!(status, 403);
    let (status, _) = system.get_with_roles("root", &["admin"], &format!("/api/admin/jobs/{job_id}")).await?;
    assert_eq!(status, 200);
    let (status, error) = system.get_with_roles("watcher", &["ops"], "/api/admin/jobs/nope").await?;
    assert_eq!((status, error["error"]["message"].as_str()), (400, Some("job_id must be a UUID")));
    let missing = uuid::Uuid::now_v7();
    let (status, _) = system.get_with_roles("watcher", &["ops"], &format!("/api/admin/jobs/{missing}")).await?;
    assert_eq!(status, 404);
    system.stop().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_attempt_of_a_retried_job_is_claimed_and_each_failure_scheduled_again() -> anyhow::Result<()> {
    let model = FakeModel::start().await?;
    model.script([Reply::Status(500, None), Reply::Status(500, None)]);
    let system = retrying_system(&model, Db::Sqlite).await?;
    let (candidate, _) = system.candidate_with_target("retrier").await?;
    let job = finished(&system, "retrier", &json!({"candidate_id": candidate})).await?;
    assert_eq!((job["status"].as_str(), job["attempts"].as_i64()), (Some("SUCCESS"), Some(3)), "{job}");
    let detail = timeline(&system, job["job_id"].as_str().unwrap()).await?;
    let expected =
        ["submitted", "queued", "claimed", "retry_scheduled", "claimed", "retry_scheduled", "claimed", "succeeded"];
    assert_eq!(kinds(&detail), expected, "{detail}");
    let events = detail["events"].as_array().unwrap();
    let attempts: Vec<i64> = [2, 4, 6].iter().map(|&i| events[i]["attempt"].as_i64().unwrap()).collect();
    assert_eq!(attempts, [1, 2, 3]);
    for retry in [&events[3], &events[5]] {
        assert_eq!(retry["error_class"], "model_unavailable", "{retry}");
        let detail = retry["detail"].as_str().unwrap();
        assert!(detail.contains("HTTP 500") && detail.contains("next attempt in"), "{detail}");
        assert_eq!(retry["worker"], events[2]["worker"]);
    }
    assert_eq!((events[3]["attempt"].as_i64(), events[5]["attempt"].as_i64()), (Some(1), Some(2)));
    system.stop().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failure_ends_the_timeline_with_its_message() -> anyhow::Result<()> {
    let model = FakeModel::start().await?;
    model.script([Reply::Status(401, None)]);
    let system = retrying_system(&model, Db::Sqlite).await?;
    let (candidate, _) = system.candidate_with_target("doomed").await?;
    let job = finished(&system, "doomed", &json!({"candidate_id": candidate})).await?;
    assert_eq!(job["status"], "FAILURE", "{job}");
    let detail = timeline(&system, job["job_id"].as_str().unwrap()).await?;
    assert_eq!(kinds(&detail), ["submitted", "queued", "claimed", "failed"], "{detail}");
    assert_eq!(detail["events"][3]["detail"], job["error_message"]);
    assert_eq!(detail["events"][3]["error_class"], "model_refused");
    system.stop().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn errors_that_differ_only_in_numbers_are_one_group_on_sqlite() -> anyhow::Result<()> {
    errors_that_differ_only_in_numbers_are_one_group(Db::Sqlite).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn errors_that_differ_only_in_numbers_are_one_group_on_postgres() -> anyhow::Result<()> {
    errors_that_differ_only_in_numbers_are_one_group(Db::Postgres).await
}

async fn errors_that_differ_only_in_numbers_are_one_group(db: Db) -> anyhow::Result<()> {
    let model = FakeModel::start().await?;
    let system = retrying_system(&model, db).await?;
    let (candidate, _) = system.candidate_with_target("grouped").await?;
    let body = json!({"candidate_id": candidate});
    // Two retries of one job (HTTP 500, then 502), one of another (503): one group.
    model.script([Reply::Status(500, None), Reply::Status(502, None)]);
    let first = finished(&system, "grouped", &body).await?;
    model.script([Reply::Status(503, None)]);
    let second = finished(&system, "grouped", &body).await?;
    // A refusal is a group of its own.
    model.script([Reply::Status(401, None)]);
    let refused = finished(&system, "grouped", &body).await?;
    let statuses = [&first, &second, &refused].map(|job| job["status"].as_str().unwrap().to_owned());
    assert_eq!(statuses, ["SUCCESS", "SUCCESS", "FAILURE"]);

    let (status, body) = system.get_with_roles("watcher", &["ops"], "/api/admin/errors").await?;
    assert_eq!(status, 200, "{body}");
    let groups = body["groups"].as_array().unwrap();
    assert_eq!(groups.len(), 2, "{body}");
    let (unavailable, refusal) = (&groups[0], &groups[1]);
    assert_eq!(unavailable["class"], "model_unavailable");
    assert_eq!(unavailable["message"], "transient model failure: HTTP #");
    assert_eq!((unavailable["count"].as_i64(), unavailable["jobs"].as_i64()), (Some(3), Some(2)), "{unavailable}");
    let sample = unavailable["sample_job_id"].as_str().unwrap();
    assert!(sample == first["job_id"] || sample == second["job_id"], "{sample}");
    assert!(unavailable["first_seen"].as_str() <= unavailable["last_seen"].as_str());
    assert_eq!((refusal["class"].as_str(), refusal["count"].as_i64()), (Some("model_refused"), Some(1)), "{refusal}");
    assert_eq!(refusal["sample_job_id"], refused["job_id"]);
    assert_ne!(unavailable["id"], refusal["id"]);

    // A window before them holds none, nor one that ends before it starts; a bad time names
    // its field, and users may not look.
    let hour_ago = (chrono::Utc::now() - chrono::Duration::hours(1)).to_rfc3339().replace('+', "%2B");
    let (status, body) =
        system.get_with_roles("watcher", &["ops"], &format!("/api/admin/errors?until={hour_ago}")).await?;
    assert_eq!((status, body["groups"].as_array().map(Vec::len)), (200, Some(0)), "{body}");
    let backwards = format!(
        "/api/admin/errors?since={}",
        (chrono::Utc::now() + chrono::Duration::hours(1)).to_rfc3339().replace('+', "%2B")
    );
    let (status, body) = system.get_with_roles("watcher", &["ops"], &backwards).await?;
    assert_eq!((status, body["groups"].as_array().map(Vec::len)), (200, Some(0)), "{body}");
    let (status, body) = system.get_with_roles("watcher", &["ops"], "/api/admin/errors?since=yesterday").await?;
    assert_eq!((status, body["error"]["message"].as_str()), (400, Some("since must be an RFC 3339 time")));
    let (status, body) = system.get_with_roles("watcher", &["ops"], "/api/admin/errors?until=").await?;
    assert_eq!((status, body["error"]["message"].as_str()), (400, Some("until must be an RFC 3339 time")));
    assert_eq!(system.get("grouped", "/api/admin/errors").await?.0, 403);
    system.stop().await
}
