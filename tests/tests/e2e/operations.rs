//! What operators do through `/api/admin/*`: search every user's jobs (keyset-paged),
//! retry and cancel one job or every job a filter matches, pause and resume a queue, and
//! read the audit log of it all. `ops` may read, only `admin` may act.

use std::{collections::HashSet, time::Duration};

use e2e::{
    Db, Options, PATIENCE, System, eventually,
    fake_model::{FakeModel, Reply},
};
use sea_orm::{
    ConnectionTrait,
    sea_query::{Alias, Query},
};
use serde_json::{Value, json};

const OPS: &[&str] = &["ops"];
const ADMIN: &[&str] = &["admin"];

async fn search(system: &System, query: &str) -> anyhow::Result<Value> {
    let (status, page) = system.get_with_roles("watcher", OPS, &format!("/api/admin/jobs?{query}")).await?;
    anyhow::ensure!(status == 200, "{query}: {status} {page}");
    Ok(page)
}

/// Every job `query` matches, a page of `limit` at a time: their ids, and how many pages.
async fn every_page(system: &System, query: &str, limit: usize) -> anyhow::Result<(Vec<String>, usize)> {
    let (mut ids, mut pages, mut token) = (Vec::new(), 0, String::new());
    loop {
        let page = search(system, &format!("{query}&limit={limit}&page_token={token}")).await?;
        let jobs = page["jobs"].as_array().unwrap();
        anyhow::ensure!(jobs.len() <= limit, "{} jobs on a page of {limit}", jobs.len());
        ids.extend(jobs.iter().map(|job| job["job_id"].as_str().unwrap().to_owned()));
        pages += 1;
        match page["next_page_token"].as_str() {
            Some(next) => token = next.to_owned(),
            None => return Ok((ids, pages)),
        }
    }
}

fn kinds(detail: &Value) -> Vec<&str> {
    detail["events"].as_array().unwrap().iter().map(|e| e["kind"].as_str().unwrap()).collect()
}

async fn timeline(system: &System, job_id: &str) -> anyhow::Result<Value> {
    let (status, detail) = system.get_with_roles("watcher", OPS, &format!("/api/admin/jobs/{job_id}")).await?;
    anyhow::ensure!(status == 200, "{status} {detail}");
    Ok(detail)
}

/// Writes `n` finished jobs of `owner`'s candidate straight into the database, one second
/// apart and ending now: every fourth failed ("the model refused request <i>"), the others
/// succeeded; every third on the high-priority queue.
async fn seed_jobs(system: &System, owner: &str, candidate: i64, n: usize) -> anyhow::Result<Vec<String>> {
    let db = system.database().await?;
    let start = chrono::Utc::now() - chrono::Duration::seconds(n as i64);
    let mut ids = Vec::with_capacity(n);
    for chunk in (0..n).collect::<Vec<_>>().chunks(500) {
        let mut insert = Query::insert();
        insert.into_table(Alias::new("resume_generation_job")).columns(
            [
                "id",
                "owner",
                "candidate_id",
                "status",
                "progress",
                "file_type",
                "priority",
                "error_message",
                "cache_hit",
                "attempts",
                "created_at",
                "prompt_tokens",
                "completion_tokens",
                "generation_ms",
                "run",
            ]
            .map(Alias::new),
        );
        for &i in chunk {
            let id = uuid::Uuid::now_v7().to_string();
            let failed = i % 4 == 0;
            let (status, error) =
                if failed { ("FAILURE", Some(format!("the model refused request {i}"))) } else { ("SUCCESS", None) };
            let priority = if i % 3 == 0 { "high" } else { "default" };
            let created_at = start + chrono::Duration::seconds(i as i64);
            insert.values_panic([
                id.clone().into(),
                owner.into(),
                candidate.into(),
                status.into(),
                (if failed { 30 } else { 100 }).into(),
                "word".into(),
                priority.into(),
                error.into(),
                false.into(),
                1.into(),
                created_at.into(),
                0.into(),
                0.into(),
                0i64.into(),
                0.into(),
            ]);
            ids.push(id);
        }
        db.execute(&insert).await?;
    }
    db.close().await?;
    Ok(ids)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_page_of_ten_thousand_jobs_is_read_by_key_on_sqlite() -> anyhow::Result<()> {
    every_page_of_ten_thousand_jobs_is_read_by_key(Db::Sqlite).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_page_of_ten_thousand_jobs_is_read_by_key_on_postgres() -> anyhow::Result<()> {
    every_page_of_ten_thousand_jobs_is_read_by_key(Db::Postgres).await
}

async fn every_page_of_ten_thousand_jobs_is_read_by_key(db: Db) -> anyhow::Result<()> {
    let system = System::start(db, 0).await?;
    let (candidate, _) = system.candidate_with_target("bulk-owner").await?;
    let (other, _) = system.candidate_with_target("someone-else").await?;
    let mut seeded = seed_jobs(&system, "bulk-owner", candidate, 10_000).await?;
    seed_jobs(&system, "someone-else", other, 40).await?;

    // All 10,040, newest first, each once, 100 to a page, in 101 pages.
    let (ids, pages) = every_page(&system, "", 100).await?;
    assert_eq!((ids.len(), pages), (10_040, 101));
    assert!(ids.windows(2).all(|w| w[0] > w[1]), "newest first, by id");
    assert_eq!(ids.iter().collect::<HashSet<_>>().len(), ids.len(), "no job twice");

    // One owner's failures: every fourth of theirs.
    let (failed, _) = every_page(&system, "owner=bulk-owner&status=FAILURE", 100).await?;
    assert_eq!(failed.len(), 2_500);
    seeded.sort();
    let expected: Vec<&String> = seeded.iter().rev().collect();
    let (theirs, _) = every_page(&system, &format!("candidate_id={candidate}"), 100).await?;
    assert_eq!(theirs.iter().collect::<Vec<_>>(), expected, "the candidate's jobs, each once, newest first");

    // The other filters.
    let page = search(&system, "queue=priority_high&owner=someone-else&limit=100").await?;
    assert_eq!(page["jobs"].as_array().unwrap().len(), 14, "{page}");
    assert!(
        page["jobs"].as_array().unwrap().iter().all(|j| j["queue"] == "priority_high" && j["owner"] == "someone-else")
    );
    let page = search(&system, "q=REQUEST%209996&owner=bulk-owner").await?;
    let messages: Vec<&str> =
        page["jobs"].as_array().unwrap().iter().map(|j| j["error_message"].as_str().unwrap()).collect();
    assert_eq!(messages, ["the model refused request 9996"], "case-insensitive text");
    let page = search(&system, "q=request%20996").await?;
    let numbers: Vec<&str> =
        page["jobs"].as_array().unwrap().iter().map(|j| &j["error_message"].as_str().unwrap()[26..]).collect();
    assert_eq!(numbers, ["9968", "9964", "9960", "996"], "text anywhere in the message, newest first");
    let page = search(&system, "q=100%25").await?;
    assert_eq!(page["jobs"].as_array().unwrap().len(), 0, "% matches only itself");
    // An empty field of the form is no condition.
    let empty = search(&system, "status=&queue=&worker=&error_group=&q=&owner=someone-else&limit=100").await?;
    let theirs = search(&system, "owner=someone-else&limit=100").await?;
    assert_eq!(empty["jobs"], theirs["jobs"], "{empty}");
    assert!(!theirs["jobs"].as_array().unwrap().is_empty());
    // A time window: from the 30th newest job on, and up to (not including) the newest.
    let newest = search(&system, "owner=bulk-owner&limit=30").await?;
    let at = |i: usize| newest["jobs"][i]["created_at"].as_str().unwrap().replace('+', "%2B");
    let (window, _) = every_page(&system, &format!("owner=bulk-owner&since={}", at(29)), 100).await?;
    assert_eq!(window.len(), 30);
    let (window, _) = every_page(&system, &format!("owner=bulk-owner&since={}&until={}", at(29), at(0)), 7).await?;
    assert_eq!(window.len(), 29);

    // Bad values are named; a user may not search.
    for (query, message) in [
        ("status=DONE", "status"),
        ("queue=nope", "queue must be"),
        ("error_group=zz", "error_group"),
        ("since=yesterday", "since must be an RFC 3339 time"),
        ("limit=0", "limit"),
        ("page_token=%21%21", "page_token"),
    ] {
        let (status, body) = system.get_with_roles("watcher", OPS, &format!("/api/admin/jobs?{query}")).await?;
        let text = body["error"]["message"].as_str().unwrap_or_default();
        assert!(status == 400 && text.contains(message), "{query}: {status} {body}");
    }
    assert_eq!(system.get("bulk-owner", "/api/admin/jobs").await?.0, 403);
    system.stop().await
}

/// `workers` workers on `model` and `db`, retries 20 ms apart, the result cache off.
async fn system_on(model: &FakeModel, db: Db, workers: usize) -> anyhow::Result<System> {
    let options = Options {
        model_url: Some(model.url.clone()),
        retry_base_delay_ms: 20,
        max_attempts: 2,
        result_cache_ttl_secs: 0,
        ..Options::default()
    };
    System::start_with(db, workers, options).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_operator_retries_and_cancels_any_job_and_the_audit_log_says_who_on_sqlite() -> anyhow::Result<()> {
    an_operator_retries_and_cancels_any_job_and_the_audit_log_says_who(Db::Sqlite).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_operator_retries_and_cancels_any_job_and_the_audit_log_says_who_on_postgres() -> anyhow::Result<()> {
    an_operator_retries_and_cancels_any_job_and_the_audit_log_says_who(Db::Postgres).await
}

async fn an_operator_retries_and_cancels_any_job_and_the_audit_log_says_who(db: Db) -> anyhow::Result<()> {
    let model = FakeModel::start().await?;
    model.script([Reply::Status(401, None)]);
    let system = system_on(&model, db, 1).await?;
    let (candidate, _) = system.candidate_with_target("unlucky").await?;
    let job = system.submit("unlucky", &json!({"candidate_id": candidate})).await?;
    let job_id = job["job_id"].as_str().unwrap().to_owned();
    let failed = system.poll_until_done("unlucky", &job_id).await?.pop().unwrap();
    assert_eq!(failed["status"], "FAILURE", "{failed}");
    let retry = format!("/api/admin/jobs/{job_id}/retry");

    // Only an admin acts: ops reads, users neither.
    assert_eq!(system.post_with_roles("watcher", OPS, &retry, json!({})).await?.0, 403);
    assert_eq!(system.post("unlucky", &retry, json!({})).await?.0, 403);

    let (status, again) = system.post_with_roles("root", ADMIN, &retry, json!({})).await?;
    assert_eq!(status, 200, "{again}");
    assert_eq!((again["status"].as_str(), again["progress"].as_i64()), (Some("PENDING"), Some(0)), "{again}");
    assert_eq!(again["error_message"], Value::Null);
    let done = system.poll_until_done("unlucky", &job_id).await?.pop().unwrap();
    assert_eq!((done["status"].as_str(), done["attempts"].as_i64()), (Some("SUCCESS"), Some(1)), "{done}");
    let detail = timeline(&system, &job_id).await?;
    let expected = ["submitted", "queued", "claimed", "failed", "retried", "queued", "claimed", "succeeded"];
    assert_eq!(kinds(&detail), expected, "{detail}");
    assert_eq!(detail["events"][4]["detail"], "by operator root");
    assert_eq!(detail["events"][6]["attempt"], 1, "a new attempt budget");

    // A job that has not failed is not retried.
    let (status, body) = system.post_with_roles("root", ADMIN, &retry, json!({})).await?;
    assert_eq!(status, 409, "{body}");
    assert!(body["error"]["message"].as_str().unwrap().contains("is SUCCESS"), "{body}");

    // Any user's running job can be cancelled, and the timeline names who did.
    model.set_latency(Duration::from_secs(5));
    let slow = system.submit("unlucky", &json!({"candidate_id": candidate, "fresh": true})).await?;
    let slow_id = slow["job_id"].as_str().unwrap().to_owned();
    let cancel = format!("/api/admin/jobs/{slow_id}/cancel");
    assert_eq!(system.post_with_roles("watcher", OPS, &cancel, json!({})).await?.0, 403);
    let (status, cancelled) = system.post_with_roles("root", ADMIN, &cancel, json!({})).await?;
    assert_eq!((status, cancelled["status"].as_str()), (200, Some("CANCELLED")), "{cancelled}");
    let detail = timeline(&system, &slow_id).await?;
    let last = detail["events"].as_array().unwrap().last().unwrap().clone();
    assert_eq!((last["kind"].as_str(), last["detail"].as_str()), (Some("cancelled"), Some("by operator root")));
    let missing = uuid::Uuid::now_v7();
    let (status, _) =
        system.post_with_roles("root", ADMIN, &format!("/api/admin/jobs/{missing}/retry"), json!({})).await?;
    assert_eq!(status, 404);

    // The audit log, newest first: who did what to which job, and whether it changed it.
    let (status, log) = system.get_with_roles("watcher", OPS, "/api/admin/audit").await?;
    assert_eq!(status, 200, "{log}");
    let entries: Vec<(&str, &str, &str, i64)> = log["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["user"].as_str().unwrap(),
                e["action"].as_str().unwrap(),
                e["target"].as_str().unwrap(),
                e["changed"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        entries,
        [
            ("root", "cancel", slow_id.as_str(), 1),
            ("root", "retry", job_id.as_str(), 0),
            ("root", "retry", job_id.as_str(), 1)
        ],
        "{log}"
    );
    assert!(log["entries"][0]["at"].as_str().is_some());
    let (_, page) = system.get_with_roles("watcher", OPS, "/api/admin/audit?limit=2").await?;
    let token = page["next_page_token"].as_str().expect("a second page");
    let (_, rest) =
        system.get_with_roles("watcher", OPS, &format!("/api/admin/audit?limit=2&page_token={token}")).await?;
    assert_eq!(rest["entries"][0]["changed"], 1);
    assert_eq!(rest["next_page_token"], Value::Null);
    assert_eq!(system.get("unlucky", "/api/admin/audit").await?.0, 403);
    system.stop().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_job_asked_for_fresh_is_fresh_when_an_operator_runs_it_again() -> anyhow::Result<()> {
    let model = FakeModel::start().await?;
    let system = System::start_with(Db::Sqlite, 1, Options::on_model(&model.url)).await?;
    let (candidate, target) = system.candidate_with_target("again").await?;
    let request = json!({"candidate_id": candidate, "job_row_id": target});
    let first = system.submit("again", &request).await?;
    let first = system.poll_until_done("again", first["job_id"].as_str().unwrap()).await?.pop().unwrap();
    assert_eq!(first["status"], "SUCCESS", "{first}");
    // The same request, fresh: past the cache to the model, which refuses it.
    model.script([Reply::Status(401, None)]);
    let fresh =
        system.submit("again", &json!({"candidate_id": candidate, "job_row_id": target, "fresh": true})).await?;
    let fresh_id = fresh["job_id"].as_str().unwrap().to_owned();
    let failed = system.poll_until_done("again", &fresh_id).await?.pop().unwrap();
    assert_eq!(failed["status"], "FAILURE", "{failed}");
    // Run again, it is still fresh: the model is asked, though the cache holds the first.
    let calls = model.seen().len();
    let (status, again) =
        system.post_with_roles("root", ADMIN, &format!("/api/admin/jobs/{fresh_id}/retry"), json!({})).await?;
    assert_eq!(status, 200, "{again}");
    let done = system.poll_until_done("again", &fresh_id).await?.pop().unwrap();
    assert_eq!((done["status"].as_str(), done["cache_hit"].as_bool()), (Some("SUCCESS"), Some(false)), "{done}");
    assert!(model.seen().len() > calls, "the model was asked again");
    system.stop().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bulk_retry_of_a_hundred_failed_jobs_runs_each_once_more_on_sqlite() -> anyhow::Result<()> {
    a_bulk_retry_of_a_hundred_failed_jobs_runs_each_once_more(Db::Sqlite).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bulk_retry_of_a_hundred_failed_jobs_runs_each_once_more_on_postgres() -> anyhow::Result<()> {
    a_bulk_retry_of_a_hundred_failed_jobs_runs_each_once_more(Db::Postgres).await
}

async fn a_bulk_retry_of_a_hundred_failed_jobs_runs_each_once_more(db: Db) -> anyhow::Result<()> {
    let model = FakeModel::start().await?;
    model.script((0..100).map(|_| Reply::Status(401, None)));
    let system = system_on(&model, db, 2).await?;
    let (candidate, _) = system.candidate_with_target("many").await?;
    let mut ids = Vec::new();
    for _ in 0..100 {
        ids.push(
            system.submit("many", &json!({"candidate_id": candidate})).await?["job_id"].as_str().unwrap().to_owned(),
        );
    }
    for id in &ids {
        let last = system.poll_until_done("many", id).await?.pop().unwrap();
        assert_eq!(last["status"], "FAILURE", "{last}");
    }
    // One more job that succeeded is not retried.
    let fine = system.submit("many", &json!({"candidate_id": candidate, "file_type": "pdf"})).await?;
    let fine_id = fine["job_id"].as_str().unwrap().to_owned();
    system.poll_until_done("many", &fine_id).await?;

    let dry = json!({"action": "retry", "filter": {"owner": "many"}, "dry_run": true});
    let (status, counted) = system.post_with_roles("root", ADMIN, "/api/admin/jobs/bulk", dry).await?;
    assert_eq!((status, counted["matched"].as_i64(), counted["changed"].as_i64()), (200, Some(101), Some(100)));
    let bulk = json!({"action": "retry", "filter": {"owner": "many"}});
    assert_eq!(system.post_with_roles("watcher", OPS, "/api/admin/jobs/bulk", bulk.clone()).await?.0, 403);
    let (status, outcome) = system.post_with_roles("root", ADMIN, "/api/admin/jobs/bulk", bulk).await?;
    assert_eq!(status, 200, "{outcome}");
    assert_eq!((outcome["matched"].as_i64(), outcome["changed"].as_i64()), (Some(101), Some(100)), "{outcome}");
    for id in &ids {
        let last = system.poll_until_done("many", id).await?.pop().unwrap();
        assert_eq!((last["status"].as_str(), last["attempts"].as_i64()), (Some("SUCCESS"), Some(1)), "{last}");
        let detail = timeline(&system, id).await?;
        let kinds = kinds(&detail);
        let after: Vec<&str> = kinds.iter().skip_while(|k| **k != "retried").copied().collect();
        assert_eq!(after, ["retried", "queued", "claimed", "succeeded"], "run once more: {detail}");
    }
    assert_eq!(kinds(&timeline(&system, &fine_id).await?).iter().filter(|k| **k == "retried").count(), 0);

    // Bad bodies are named.
    let (status, body) =
        system.post_with_roles("root", ADMIN, "/api/admin/jobs/bulk", json!({"action": "delete"})).await?;
    assert_eq!((status, body["error"]["message"].as_str()), (400, Some("action must be \"retry\" or \"cancel\"")));
    let (status, body) = system
        .post_with_roles(
            "root",
            ADMIN,
            "/api/admin/jobs/bulk",
            json!({"action": "cancel", "filter": {"colour": "red"}}),
        )
        .await?;
    assert!(status == 400 && body["error"]["message"].as_str().unwrap().contains("colour"), "{body}");
    let (_, log) = system.get_with_roles("watcher", OPS, "/api/admin/audit").await?;
    let entry = &log["entries"][0];
    assert_eq!((entry["action"].as_str(), entry["target"].as_str()), (Some("bulk_retry"), Some("owner=many")), "{log}");
    assert_eq!((entry["matched"].as_i64(), entry["changed"].as_i64()), (Some(101), Some(100)));
    system.stop().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_paused_queue_starts_nothing_until_resumed_while_the_other_runs_on_sqlite() -> anyhow::Result<()> {
    a_paused_queue_starts_nothing_until_resumed_while_the_other_runs(Db::Sqlite).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_paused_queue_starts_nothing_until_resumed_while_the_other_runs_on_postgres() -> anyhow::Result<()> {
    a_paused_queue_starts_nothing_until_resumed_while_the_other_runs(Db::Postgres).await
}

async fn a_paused_queue_starts_nothing_until_resumed_while_the_other_runs(db: Db) -> anyhow::Result<()> {
    use fred::interfaces::KeysInterface;
    use futures::TryStreamExt;
    let system = System::start(db, 1).await?;
    let (candidate, _) = system.candidate_with_target("patient").await?;
    let pause = "/api/admin/queues/resume_generation/pause";
    assert_eq!(system.post_with_roles("watcher", OPS, pause, json!({})).await?.0, 403);
    let (status, queue) = system.post_with_roles("root", ADMIN, pause, json!({})).await?;
    assert_eq!(
        (status, queue["name"].as_str(), queue["paused"].as_bool()),
        (200, Some("resume_generation"), Some(true))
    );
    // Readiness, open to every user's app, names it: a waiting job can say why it waits.
    let ready: Value = system.http.get(system.url("/api/readyz")).send().await?.json().await?;
    assert_eq!(ready["paused_queues"], json!(["resume_generation"]), "{ready}");

    let waiting = system.submit("patient", &json!({"candidate_id": candidate})).await?;
    let waiting_id = waiting["job_id"].as_str().unwrap().to_owned();
    let urgent =
        system.submit("patient", &json!({"candidate_id": candidate, "priority": "high", "file_type": "pdf"})).await?;
    let done = system.poll_until_done("patient", urgent["job_id"].as_str().unwrap()).await?.pop().unwrap();
    assert_eq!(done["status"], "SUCCESS", "the other queue keeps running: {done}");

    // Redis loses its data: the pause is the database's, and is copied back.
    let redis = system.redis().await?;
    let keys: Vec<fred::types::Key> =
        redis.scan_buffered(system.keys().every_key(), Some(100), None).try_collect().await?;
    let _: i64 = redis.del(keys).await?;
    // The server copies the pause back, then queues the waiting job again (its timeline
    // says so). A high-priority job submitted after that runs on the worker, whose next
    // look at the queues finds the waiting task, in a paused queue.
    eventually("the waiting job to be queued again after Redis lost it", PATIENCE, || async {
        let detail = timeline(&system, &waiting_id).await?;
        Ok(kinds(&detail).contains(&"requeued").then_some(()))
    })
    .await?;
    let later =
        system.submit("patient", &json!({"candidate_id": candidate, "priority": "high", "file_type": "text"})).await?;
    assert_eq!(later["status"], "PENDING", "it goes through a worker: {later}");
    let done = system.poll_until_done("patient", later["job_id"].as_str().unwrap()).await?.pop().unwrap();
    assert_eq!(done["status"], "SUCCESS", "the other queue runs after the loss: {done}");
    let (_, job) = system.get("patient", &format!("/api/resume-async/job-status/{waiting_id}")).await?;
    assert_eq!(job["status"], "PENDING", "nothing is taken from a paused queue: {job}");
    let (_, queues) = system.get_with_roles("watcher", OPS, "/api/admin/queues").await?;
    let shown: Vec<(&str, bool, i64)> = queues["queues"]
        .as_array()
        .unwrap()
        .iter()
        .map(|q| (q["name"].as_str().unwrap(), q["paused"].as_bool().unwrap(), q["pending"].as_i64().unwrap()))
        .collect();
    assert_eq!(shown, [("priority_high", false, 0), ("resume_generation", true, 1)], "{queues}");
    // Cancelled and retried while its first task still waits: two tasks, one run.
    let twice = system.submit("patient", &json!({"candidate_id": candidate, "file_type": "markdown"})).await?;
    let twice_id = twice["job_id"].as_str().unwrap().to_owned();
    for action in ["cancel", "retry"] {
        let path = format!("/api/admin/jobs/{twice_id}/{action}");
        let (status, job) = system.post_with_roles("root", ADMIN, &path, json!({})).await?;
        assert_eq!(status, 200, "{action}: {job}");
    }

    let (status, queue) =
        system.post_with_roles("root", ADMIN, "/api/admin/queues/resume_generation/resume", json!({})).await?;
    assert_eq!((status, queue["paused"].as_bool()), (200, Some(false)), "{queue}");
    let done = system.poll_until_done("patient", &waiting_id).await?.pop().unwrap();
    assert_eq!(done["status"], "SUCCESS", "{done}");
    let done = system.poll_until_done("patient", &twice_id).await?.pop().unwrap();
    assert_eq!((done["status"].as_str(), done["attempts"].as_i64()), (Some("SUCCESS"), Some(1)), "{done}");
    let detail = timeline(&system, &twice_id).await?;
    assert_eq!(kinds(&detail).iter().filter(|k| **k == "claimed").count(), 1, "the old task is dropped: {detail}");
    let (status, _) = system.post_with_roles("root", ADMIN, "/api/admin/queues/nope/pause", json!({})).await?;
    assert_eq!(status, 404);
    let (_, log) = system.get_with_roles("watcher", OPS, "/api/admin/audit").await?;
    let actions: Vec<&str> = log["entries"].as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
    assert_eq!(actions, ["resume", "retry", "cancel", "pause"], "{log}");
    system.stop().await
}

/// The next Server-Sent Event of `response` (its name and data), reading on as needed.
async fn next_event(response: &mut reqwest::Response, buffer: &mut String) -> anyhow::Result<(String, Value)> {
    loop {
        if let Some(end) = buffer.find("\n\n") {
            let block: String = buffer.drain(..end + 2).collect();
            let name = block.lines().find_map(|l| l.strip_prefix("event: ")).unwrap_or_default().to_owned();
            let Some(data) = block.lines().find_map(|l| l.strip_prefix("data: ")) else { continue };
            return Ok((name, serde_json::from_str(data)?));
        }
        let chunk = tokio::time::timeout(PATIENCE, response.chunk())
            .await
            .map_err(|_| anyhow::anyhow!("waited {PATIENCE:?} for the next event of the stream"))??;
        buffer.push_str(std::str::from_utf8(&chunk.ok_or_else(|| anyhow::anyhow!("the stream ended"))?)?);
    }
}

/// Reads events until one named `name` satisfies `wanted`; that event's data.
async fn until(
    response: &mut reqwest::Response,
    buffer: &mut String,
    name: &str,
    wanted: impl Fn(&Value) -> bool,
) -> anyhow::Result<Value> {
    loop {
        let (event, data) = next_event(response, buffer).await?;
        if event == name && wanted(&data) {
            return Ok(data);
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_live_stream_carries_every_users_transitions_and_queue_and_worker_changes() -> anyhow::Result<()> {
    let system = System::start(Db::Sqlite, 1).await?;
    let (candidate, _) = system.candidate_with_target("streamed").await?;
    let open = |roles: &'static [&'static str]| {
        system.http.get(system.url("/api/admin/events")).bearer_auth(system.token_with_roles("watcher", roles)).send()
    };
    assert_eq!(open(&[]).await?.status(), 403);
    let mut stream = open(OPS).await?;
    assert_eq!(stream.status(), 200);
    assert!(stream.headers()["content-type"].to_str()?.starts_with("text/event-stream"));
    let mut buffer = String::new();
    // First, the queues and workers as they are.
    let queues = until(&mut stream, &mut buffer, "queue", |_| true).await?;
    assert_eq!(queues["queues"].as_array().unwrap().len(), 2, "{queues}");
    // The worker may join after the stream opened: that is a worker event too.
    let workers = until(&mut stream, &mut buffer, "worker", |w| w["workers"][0]["state"] == "live").await?;
    assert!(workers["workers"][0]["id"].as_str().unwrap().starts_with("test-worker-"), "{workers}");

    // Another user's job, through to its end, with its owner.
    let job = system.submit("streamed", &json!({"candidate_id": candidate})).await?;
    let job_id = job["job_id"].as_str().unwrap().to_owned();
    let done = until(&mut stream, &mut buffer, "job", |j| j["job_id"] == job_id && j["status"] == "SUCCESS").await?;
    assert_eq!((done["owner"].as_str(), done["queue"].as_str()), (Some("streamed"), Some("resume_generation")));

    // A pause is a queue change.
    let pause = "/api/admin/queues/priority_high/pause";
    assert_eq!(system.post_with_roles("root", ADMIN, pause, json!({})).await?.0, 200);
    let paused = until(&mut stream, &mut buffer, "queue", |q| q["queues"][0]["paused"] == true).await?;
    assert_eq!(paused["queues"][0]["name"], "priority_high");
    drop(stream);
    system.stop().await
}
