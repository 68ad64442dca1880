//! Openings and batches (issue 24): one posting, many candidates, one submission that is
//! all or none, followed live across servers, cancelled, retried (only what failed) and
//! downloaded as one ZIP whose manifest says what it holds.

use std::{
    collections::{HashMap, HashSet},
    io::Read,
    time::Duration,
};

use anyhow::{Context, Result, ensure};
use e2e::{Db, Options, PATIENCE, System, eventually, fake_model::FakeModel, pdf_text};
use futures::StreamExt;
use resume_proto::v1::{self, batch_service_client::BatchServiceClient};
use serde_json::{Value, json};

/// The batch's size in the binding test.
const CANDIDATES: usize = 30;

/// An opening as a recruiter writes it.
fn opening() -> Value {
    json!({"title": "Backend Engineer", "company": "Babbage & Co", "location": "London, UK",
           "description": "You will build services in Rust on PostgreSQL.", "url": "https://example.com/jobs/7"})
}

/// Creates `user`'s opening; its id.
async fn create_opening(system: &System, user: &str) -> Result<i64> {
    let (status, opening) = system.post(user, "/api/openings", opening()).await?;
    ensure!(status == 201, "create opening: {status} {opening}");
    opening["id"].as_i64().context("opening id")
}

/// The name of candidate `n` of the batch: two share one name, so that the archive must
/// number one of their files.
fn name(n: usize) -> String {
    if n >= CANDIDATES - 2 { "Candidate Twin".to_owned() } else { format!("Candidate {n:02}") }
}

/// Every item's status, by candidate id.
fn statuses(batch: &Value) -> Vec<(i64, String)> {
    let items = batch["items"].as_array().cloned().unwrap_or_default();
    items
        .iter()
        .map(|i| (i["candidate_id"].as_i64().unwrap_or(0), i["job"]["status"].as_str().unwrap_or("").into()))
        .collect()
}

/// Follows a batch over gRPC on `addr` (a server the submission did not go through) until
/// the stream ends; every message.
async fn watch_on(system: &System, addr: std::net::SocketAddr, user: &str, batch_id: &str) -> Result<Vec<v1::Batch>> {
    let channel = tonic::transport::Channel::from_shared(format!("http://{addr}"))?.connect().await?;
    let mut client = BatchServiceClient::new(channel);
    let request = system.grpc_request(user, v1::WatchBatchRequest { batch_id: batch_id.to_owned() });
    let mut stream = client.watch_batch(request).await?.into_inner();
    let mut seen = Vec::new();
    while let Some(message) = tokio::time::timeout(PATIENCE, stream.next()).await.context("the batch never ended")? {
        seen.push(message?.batch.context("a message without its batch")?);
    }
    Ok(seen)
}

/// Reads the REST event stream of a batch to its end; the data of every `progress` event.
async fn events(system: &System, user: &str, batch_id: &str) -> Result<Vec<Value>> {
    let url = system.url(&format!("/api/batches/{batch_id}/events"));
    let response = system.http.get(url).bearer_auth(system.token(user)).send().await?;
    ensure!(response.status() == 200, "events: {}", response.status());
    let body = tokio::time::timeout(PATIENCE, response.text()).await.context("the event stream never closed")??;
    let mut seen = Vec::new();
    for block in body.split("\n\n") {
        let (mut event, mut data) = ("", "");
        for line in block.lines() {
            if let Some(value) = line.strip_prefix("event: ") {
                event = value;
            } else if let Some(value) = line.strip_prefix("data: ") {
                data = value;
            }
        }
        match event {
            "progress" => seen.push(serde_json::from_str(data)?),
            "" => {}
            other => anyhow::bail!("unexpected event {other}: {data}"),
        }
    }
    Ok(seen)
}

/// The number of resume jobs each candidate has in the database.
async fn jobs_per_candidate(system: &System) -> Result<Vec<(i64, i64)>> {
    use sea_orm::ConnectionTrait;
    let db = system.database().await?;
    let sql = "SELECT candidate_id, COUNT(*) AS n FROM resume_generation_job GROUP BY candidate_id";
    let rows = db.query_all_raw(sea_orm::Statement::from_string(db.get_database_backend(), sql)).await?;
    let counts = rows
        .iter()
        .map(|row| Ok((row.try_get::<i64>("", "candidate_id")?, row.try_get::<i64>("", "n")?)))
        .collect::<Result<Vec<_>, sea_orm::DbErr>>()?;
    db.close().await?;
    Ok(counts)
}

/// The binding test: a batch of 30 over two servers and three workers, the fake model
/// failing two candidates; each candidate gets exactly one file, the ZIP holds 30 named
/// files and a manifest that says so, and retrying the failed re-runs only those two.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_batch_of_30_over_two_servers_and_three_workers() -> Result<()> {
    let model = FakeModel::start().await?;
    let mut system = System::start_with(Db::Sqlite, 3, Options::on_model(&model.url)).await?;
    let second = system.start_server().await?;
    let user = "recruiter";
    let opening_id = create_opening(&system, user).await?;
    let mut ids = Vec::new();
    for n in 0..CANDIDATES {
        ids.push(system.candidate_named(user, &name(n)).await?);
    }
    // A permanent refusal (400) fails a job at once, without retries.
    let refused = ["Candidate 07", "Candidate 19"];
    model.refuse_prompts_containing(&refused, 400);

    let (status, batch) = system
        .post(user, &format!("/api/openings/{opening_id}/batches"), json!({"candidate_ids": ids, "file_type": "pdf"}))
        .await?;
    assert_eq!(status, 202, "{batch}");
    assert_eq!(batch["total"], CANDIDATES, "{batch}");
    assert_eq!(batch["opening_id"], opening_id);
    assert!(batch["estimated_cost_usd"].is_null(), "costs are not recorded yet: {batch}");
    let batch_id = batch["batch_id"].as_str().context("batch id")?.to_owned();

    // Followed on the other server: the workers report to the first one.
    let seen = watch_on(&system, second, user, &batch_id).await?;
    assert_eq!(seen[0].items.len(), CANDIDATES, "the first message has every item");
    let last = seen.last().and_then(|b| b.counts).context("no counts")?;
    assert_eq!((last.succeeded, last.failed, last.pending, last.processing), (28, 2, 0, 0), "{seen:?}");
    assert!(seen.len() > 2, "one message per change, not only the first and last: {}", seen.len());
    // The last message has every item as it ended (an item whose end the counts showed
    // before its event arrived is not left as it was last sent).
    let ended: Vec<&str> = seen
        .last()
        .into_iter()
        .flat_map(|b| &b.items)
        .filter_map(|item| Some(item.job.as_ref()?.status.as_str()))
        .collect();
    assert_eq!(ended.len(), CANDIDATES, "{ended:?}");
    assert!(ended.iter().all(|status| ["SUCCESS", "FAILURE"].contains(status)), "{ended:?}");

    let (status, batch) = system.get(user, &format!("/api/batches/{batch_id}")).await?;
    assert_eq!(status, 200, "{batch}");
    let items = statuses(&batch);
    let named: HashSet<i64> = items.iter().map(|(id, _)| *id).collect();
    assert_eq!(named, ids.iter().copied().collect(), "each candidate is an item, once");
    for item in batch["items"].as_array().context("items")? {
        let failed = refused.contains(&item["candidate_name"].as_str().unwrap_or(""));
        assert_eq!(item["job"]["status"], if failed { "FAILURE" } else { "SUCCESS" }, "{item}");
        assert_eq!(item["job"]["batch_id"], batch_id.as_str());
        assert!(item["job"]["job_row_id"].is_i64(), "tailored to the opening's target job: {item}");
        assert_eq!(item["fit"].is_null(), failed, "a fit once succeeded, none for a failure: {item}");
    }
    // The stream gave each item its fit when it succeeded (the same as the batch's).
    let mut streamed_fit: HashMap<String, Option<i32>> = HashMap::new();
    for item in seen.iter().flat_map(|message| &message.items) {
        let job = item.job.as_ref().context("an item without its job")?;
        streamed_fit.insert(job.job_id.clone(), item.fit);
    }
    for item in batch["items"].as_array().context("items")? {
        let fit = item["fit"].as_i64().map(|fit| fit as i32);
        assert_eq!(streamed_fit[item["job"]["job_id"].as_str().context("job id")?], fit, "{item}");
    }

    // Retry the failed: only they run again (the model is asked only about them).
    model.refuse_prompts_containing(&[], 400);
    let calls_before = model.seen().len();
    let done_before: Vec<Value> = batch["items"].as_array().context("items")?.clone();
    let (status, retried) = system.post(user, &format!("/api/batches/{batch_id}/retry-failed"), json!({})).await?;
    assert_eq!(status, 200, "{retried}");
    assert_eq!(retried["counts"]["failed"], 0, "{retried}");
    assert_eq!(retried["counts"]["succeeded"], 28, "{retried}");
    let streamed = events(&system, user, &batch_id).await?;
    let last = streamed.last().context("no events")?;
    assert_eq!(last["counts"], json!({"pending": 0, "processing": 0, "succeeded": 30, "failed": 0, "cancelled": 0}));
    let asked: Vec<String> = model.seen()[calls_before..].iter().map(|s| s.prefix.to_string()).collect();
    assert!(!asked.is_empty(), "the failed items were run again");
    for prompt in &asked {
        assert!(refused.iter().any(|name| prompt.contains(name)), "only the failed are run again: {prompt}");
    }
    let (_, batch) = system.get(user, &format!("/api/batches/{batch_id}")).await?;
    for (before, after) in done_before.iter().zip(batch["items"].as_array().context("items")?) {
        assert_eq!(before["job"]["job_id"], after["job"]["job_id"], "the same jobs, in the same order");
        if before["job"]["status"] == "SUCCESS" {
            assert_eq!(before["job"]["completed_at"], after["job"]["completed_at"], "a success is left alone");
        }
    }
    // Exactly one job (so one file) per candidate, the retried ones included.
    let per_candidate = jobs_per_candidate(&system).await?;
    assert_eq!(per_candidate.len(), CANDIDATES);
    assert!(per_candidate.iter().all(|(_, n)| *n == 1), "{per_candidate:?}");

    // The ZIP: 30 named files and a manifest that says so.
    let url = system.url(&format!("/api/batches/{batch_id}/download"));
    let response = system.http.get(url).bearer_auth(system.token(user)).send().await?;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "application/zip");
    assert!(response.headers().get("content-length").is_none(), "streamed, not built whole first");
    let bytes = response.bytes().await?;
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes.to_vec()))?;
    assert_eq!(archive.len(), CANDIDATES + 1, "30 files and the manifest");
    let mut manifest = String::new();
    archive.by_name("manifest.csv")?.read_to_string(&mut manifest)?;
    let mut reader = csv::Reader::from_reader(manifest.as_bytes());
    assert_eq!(reader.headers()?, vec!["candidate", "status", "file", "error", "fit"]);
    let rows: Vec<csv::StringRecord> = reader.records().collect::<Result<_, _>>()?;
    assert_eq!(rows.len(), CANDIDATES);
    let mut files = HashSet::new();
    for row in &rows {
        let (candidate, status, file, error) = (&row[0], &row[1], &row[2], &row[3]);
        assert_eq!((status, error), ("SUCCESS", ""), "{row:?}");
        assert!(files.insert(file.to_owned()), "file names are unique: {file}");
        let mut pdf = Vec::new();
        archive.by_name(file)?.read_to_end(&mut pdf)?;
        assert!(pdf_text(&pdf)?.contains(candidate), "{file} is {candidate}'s resume");
    }
    assert!(files.contains("Candidate_00_Resume.pdf"), "{files:?}");
    // Each row's fit is its resume's match report score (for a few, read back one by one).
    let job_of: HashMap<&str, &str> = batch["items"]
        .as_array()
        .context("items")?
        .iter()
        .filter_map(|item| Some((item["candidate_name"].as_str()?, item["job"]["job_id"].as_str()?)))
        .collect();
    for row in rows.iter().filter(|row| row[0].starts_with("Candidate 0")).take(4) {
        let (status, report) = system.get(user, &format!("/api/resume-async/match/{}", job_of[&row[0]])).await?;
        assert_eq!(status, 200, "{report}");
        let score = report["score"].as_i64().context("the posting names Rust and PostgreSQL: a score")?;
        assert_eq!(&row[4], score.to_string().as_str(), "{row:?} against {report}");
    }
    // The batch's items say the same as the manifest.
    let fit_of: HashMap<&str, String> = batch["items"]
        .as_array()
        .context("items")?
        .iter()
        .filter_map(|item| Some((item["candidate_name"].as_str()?, item["fit"].as_i64()?.to_string())))
        .collect();
    for row in &rows {
        assert_eq!(fit_of.get(&row[0]).map(String::as_str), Some(&row[4]), "{row:?}");
    }
    assert!(files.contains("Candidate_Twin_Resume.pdf") && files.contains("Candidate_Twin_Resume_2.pdf"), "{files:?}");
    system.stop().await
}

/// Cancelling mid-batch: no item is left PENDING or PROCESSING, and none runs on (once
/// the workers are idle, no cancelled item has become anything else).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cancel_mid_batch_leaves_no_item_running() -> Result<()> {
    let model = FakeModel::start().await?;
    model.set_latency(Duration::from_millis(150));
    let system = System::start_with(Db::Sqlite, 3, Options::on_model(&model.url)).await?;
    let user = "recruiter";
    let opening_id = create_opening(&system, user).await?;
    let mut ids = Vec::new();
    for n in 0..CANDIDATES {
        ids.push(system.candidate_named(user, &name(n)).await?);
    }
    let (status, batch) =
        system.post(user, &format!("/api/openings/{opening_id}/batches"), json!({"candidate_ids": ids})).await?;
    assert_eq!(status, 202, "{batch}");
    let batch_id = batch["batch_id"].as_str().context("batch id")?.to_owned();
    let path = format!("/api/batches/{batch_id}");
    eventually("some items to succeed while others wait", PATIENCE, || async {
        let (_, batch) = system.get(user, &path).await?;
        Ok((batch["counts"]["succeeded"].as_i64() >= Some(1)).then_some(()))
    })
    .await?;
    let (status, cancelled) = system.post(user, &format!("{path}/cancel"), json!({})).await?;
    assert_eq!(status, 200, "{cancelled}");
    let counts = &cancelled["counts"];
    assert_eq!((counts["pending"].as_i64(), counts["processing"].as_i64()), (Some(0), Some(0)), "{cancelled}");
    assert!(counts["cancelled"].as_i64() > Some(0), "{cancelled}");
    let at_cancel = statuses(&cancelled);
    // Every worker idle: whatever they held when the batch was cancelled has ended.
    eventually("every worker to be idle", PATIENCE, || async {
        let (_, workers) = system.get_with_roles("ops", &["ops"], "/api/admin/workers").await?;
        let workers = workers["workers"].as_array().cloned().unwrap_or_default();
        Ok((workers.len() == 3 && workers.iter().all(|w| w["active"] == 0)).then_some(()))
    })
    .await?;
    let (_, after) = system.get(user, &path).await?;
    assert_eq!(statuses(&after), at_cancel, "no item moved after the cancel");
    let (status, streamed) = (200, events(&system, user, &batch_id).await?);
    assert_eq!(status, 200);
    assert_eq!(streamed.len(), 1, "an ended batch's stream is its state, then closed");
    system.stop().await
}

/// A submission naming a candidate that is not the caller's is refused whole, naming every
/// such id, with nothing stored or queued; another user cannot read, follow, cancel, retry
/// or download the batch; openings are their owner's; a target job can point at an opening
/// and follows its edits, and a batch for that opening reuses it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn foreign_ids_are_refused_whole_and_batches_are_their_owners() -> Result<()> {
    let system = System::start(Db::Postgres, 0).await?;
    let (a, b) = ("recruiter-a", "recruiter-b");
    let opening_id = create_opening(&system, a).await?;
    let mine = system.candidate_named(a, "Ada One").await?;
    let also_mine = system.candidate_named(a, "Ada Two").await?;
    let theirs = system.candidate_named(b, "Bea Three").await?;
    let batches = format!("/api/openings/{opening_id}/batches");

    let (status, error) = system.post(a, &batches, json!({"candidate_ids": [mine, theirs, 987654]})).await?;
    assert_eq!(status, 400, "{error}");
    let message = error["error"]["message"].as_str().unwrap_or_default();
    assert!(message.contains(&theirs.to_string()) && message.contains("987654"), "{message}");
    assert!(!message.contains(&format!("{mine},")) && !message.ends_with(&mine.to_string()), "{message}");
    for (body, expected) in [
        (json!({"candidate_ids": []}), "candidate_ids must name at least one candidate"),
        (json!({"candidate_ids": [mine, mine]}), "more than once"),
        (json!({"candidate_ids": (1..=501).collect::<Vec<i64>>()}), "at most 500"),
        (json!({"candidate_ids": [mine], "file_type": "docx"}), "file_type"),
    ] {
        let (status, error) = system.post(a, &batches, body).await?;
        assert_eq!(status, 400, "{error}");
        assert!(error["error"]["message"].as_str().unwrap_or_default().contains(expected), "{error}");
    }
    // Another user's target job in an explicit pair.
    let (_, target) = system.post(b, &format!("/api/candidates/{theirs}/jobs"), e2e::sample_target()).await?;
    let items = json!({"items": [{"candidate_id": mine, "job_row_id": target["id"]}]});
    let (status, error) = system.post(a, "/api/batches", items).await?;
    assert_eq!(status, 400, "{error}");
    assert_eq!(system.rows("resume_generation_job").await?, 0, "nothing stored");
    assert_eq!(system.rows("batch").await?, 0, "nothing stored");
    assert_eq!(system.depth(resume_proto::redis::Queue::ResumeGeneration).await?, 0, "nothing queued");
    // B cannot submit for A's opening.
    let (status, _) = system.post(b, &batches, json!({"candidate_ids": [theirs]})).await?;
    assert_eq!(status, 404);

    // A target job pointing at the opening follows its edits; the batch reuses it.
    let (status, target) =
        system.post(a, &format!("/api/candidates/{mine}/jobs"), json!({"opening_id": opening_id})).await?;
    assert_eq!(status, 201, "{target}");
    assert_eq!((target["opening_id"].as_i64(), target["title"].as_str()), (Some(opening_id), Some("Backend Engineer")));
    let edited = json!({"title": "Staff Engineer", "company": "Babbage & Co", "location": "Remote",
                        "description": "Lead services in Rust."});
    let (status, _) = system.put(a, &format!("/api/openings/{opening_id}"), edited).await?;
    assert_eq!(status, 200);
    let (_, targets) = system.get(a, &format!("/api/candidates/{mine}/jobs")).await?;
    assert_eq!(targets["jobs"][0]["title"], "Staff Engineer", "{targets}");

    let (status, batch) = system.post(a, &batches, json!({"candidate_ids": [mine, also_mine]})).await?;
    assert_eq!(status, 202, "{batch}");
    let batch_id = batch["batch_id"].as_str().context("batch id")?.to_owned();
    assert_eq!(batch["items"][0]["job"]["job_row_id"], target["id"], "the candidate's target job is reused");
    let (_, other_targets) = system.get(a, &format!("/api/candidates/{also_mine}/jobs")).await?;
    assert_eq!(other_targets["jobs"][0]["opening_id"], opening_id, "one made where there was none");
    assert_eq!(system.depth(resume_proto::redis::Queue::ResumeGeneration).await?, 2, "both queued");
    // The console shows whose tasks wait: the fair queues' turns.
    let (_, queue) = system.post(b, "/api/resume-async/generate-async", json!({"candidate_id": theirs})).await?;
    assert_eq!(queue["status"], "PENDING", "{queue}");
    let (_, queues) = system.get_with_roles("ops", &["ops"], "/api/admin/queues").await?;
    assert_eq!(
        queues["queues"][1]["waiting_by_owner"],
        json!([{"owner": a, "waiting": 2}, {"owner": b, "waiting": 1}]),
        "{queues}"
    );

    // Nobody else sees it.
    let path = format!("/api/batches/{batch_id}");
    for (method, route) in [
        ("GET", path.clone()),
        ("GET", format!("{path}/events")),
        ("GET", format!("{path}/download")),
        ("POST", format!("{path}/cancel")),
        ("POST", format!("{path}/retry-failed")),
        ("GET", format!("/api/openings/{opening_id}")),
        ("DELETE", format!("/api/openings/{opening_id}")),
    ] {
        let request = match method {
            "GET" => system.http.get(system.url(&route)),
            "DELETE" => system.http.delete(system.url(&route)),
            _ => system.http.post(system.url(&route)).json(&json!({})),
        };
        let response = request.bearer_auth(system.token(b)).send().await?;
        assert_eq!(response.status(), 404, "{method} {route} as another user");
    }
    let (_, listed) = system.get(b, "/api/batches").await?;
    assert_eq!(listed["batches"], json!([]), "{listed}");
    let (_, listed) = system.get(a, &format!("/api/batches?opening_id={opening_id}")).await?;
    assert_eq!(listed["batches"][0]["batch_id"], batch_id.as_str(), "{listed}");
    assert_eq!(listed["batches"][0]["counts"]["pending"], 2, "{listed}");
    let (_, openings) = system.get(b, "/api/openings").await?;
    assert_eq!(openings["openings"], json!([]));

    // Cancelled, then deleted: the batch stays, without its opening.
    let (_, cancelled) = system.post(a, &format!("{path}/cancel"), json!({})).await?;
    assert_eq!(cancelled["counts"]["cancelled"], 2, "{cancelled}");
    let response = system
        .http
        .delete(system.url(&format!("/api/openings/{opening_id}")))
        .bearer_auth(system.token(a))
        .send()
        .await?;
    assert_eq!(response.status(), 204);
    let (status, batch) = system.get(a, &path).await?;
    assert_eq!((status, batch["opening_id"].clone()), (200, Value::Null), "{batch}");
    system.stop().await
}

/// The manifest is for a spreadsheet: a candidate whose name a spreadsheet would run as a
/// formula is written as text (prefixed with `'`), the rest as they are.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_manifest_cell_is_a_formula() -> Result<()> {
    let system = System::start(Db::Sqlite, 1).await?;
    let user = "recruiter";
    let formula = "=HYPERLINK(\"http://evil.example/\",\"x\")";
    let ids = [system.candidate_named(user, formula).await?, system.candidate_named(user, "Ada Lovelace").await?];
    let (status, batch) = system
        .post(user, "/api/batches", json!({"items": ids.map(|id| json!({"candidate_id": id})), "file_type": "text"}))
        .await?;
    assert_eq!(status, 202, "{batch}");
    let path = format!("/api/batches/{}", batch["batch_id"].as_str().context("batch id")?);
    eventually("the batch to end", PATIENCE, || async {
        let (_, batch) = system.get(user, &path).await?;
        Ok((batch["counts"]["succeeded"] == 2).then_some(()))
    })
    .await?;
    let response =
        system.http.get(system.url(&format!("{path}/download"))).bearer_auth(system.token(user)).send().await?;
    assert_eq!(response.status(), 200);
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(response.bytes().await?.to_vec()))?;
    let mut manifest = String::new();
    archive.by_name("manifest.csv")?.read_to_string(&mut manifest)?;
    let candidates: Vec<String> = csv::Reader::from_reader(manifest.as_bytes())
        .records()
        .map(|row| anyhow::Ok(row?[0].to_owned()))
        .collect::<Result<_>>()?;
    assert_eq!(candidates, [format!("'{formula}"), "Ada Lovelace".to_owned()], "{manifest}");
    system.stop().await
}
