//! What it costs (issue 24): each job records its model and its prompt, cached and
//! completion tokens as the provider reported them; `GET /api/me/usage` sums them at
//! `MODEL_PRICES` (cached prompt tokens at the cached price); a monthly budget refuses
//! model work (429 / RESOURCE_EXHAUSTED naming it and its reset) but never a cache hit, a
//! batch whose estimate exceeds what is left is refused whole, and an admin's override
//! lifts the budget.

use std::time::Duration;

use anyhow::{Context, Result};
use chrono::{DateTime, Datelike, TimeZone, Utc};
use e2e::{
    Db, Options, System,
    fake_model::{FakeModel, Usage},
};
use resume_proto::v1::{
    self, batch_service_client::BatchServiceClient, resume_service_client::ResumeServiceClient,
    usage_service_client::UsageServiceClient,
};
use serde_json::{Value, json};

/// The harness's price of the fake model, USD per 1,000 tokens: prompt, cached prompt,
/// completion.
const PROMPT: f64 = 0.001;
const CACHED: f64 = 0.0005;
const COMPLETION: f64 = 0.006;

/// What `tokens` cost at the fake model's price.
fn priced(prompt: i64, cached: i64, completion: i64) -> f64 {
    ((prompt - cached) as f64 * PROMPT + cached as f64 * CACHED + completion as f64 * COMPLETION) / 1000.0
}

fn close(a: &Value, b: f64) -> bool {
    a.as_f64().is_some_and(|a| (a - b).abs() < 1e-9)
}

/// Submits `body` as `user` and waits for the job to end; the job.
async fn finished(system: &System, user: &str, body: &Value) -> Result<Value> {
    let job = system.submit(user, body).await?;
    system.poll_until_done(user, job["job_id"].as_str().context("job id")?).await?.pop().context("a job")
}

/// 00:00 UTC on the first of next month: when budgets reset.
fn next_month() -> DateTime<Utc> {
    let now = Utc::now();
    let (year, month) = if now.month() == 12 { (now.year() + 1, 1) } else { (now.year(), now.month() + 1) };
    Utc.with_ymd_and_hms(year, month, 1, 0, 0, 0).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_jobs_model_and_tokens_add_up_in_the_usage_priced_with_the_cached_price() -> Result<()> {
    let model = FakeModel::start().await?;
    // Each of a resume's two calls: 1,000 prompt tokens (400 of them cached) and 200 out.
    model.set_usage(Usage { prompt_tokens: 1000, cached_tokens: Some(400), completion_tokens: 200 });
    let system = System::start_with(Db::Sqlite, 1, Options::on_model(&model.url)).await?;
    let user = "counted";
    let (candidate, target) = system.candidate_with_target(user).await?;
    let body = json!({"candidate_id": candidate, "job_row_id": target});
    let made = finished(&system, user, &body).await?;
    assert_eq!(made["status"], "SUCCESS", "{made}");
    let tokens = ["prompt_tokens", "cached_tokens", "completion_tokens"].map(|k| made[k].as_i64().unwrap_or(-1));
    assert_eq!(tokens, [2000, 800, 400], "{made}");
    assert_eq!(made["model"], "fake-model");
    // The row itself holds them.
    let db = system.database().await?;
    let row = sea_orm::ConnectionTrait::query_one_raw(
        &db,
        sea_orm::Statement::from_string(
            db.get_database_backend(),
            format!(
                "SELECT model, prompt_tokens, cached_tokens, completion_tokens FROM resume_generation_job \
                 WHERE id = '{}'",
                made["job_id"].as_str().unwrap()
            ),
        ),
    )
    .await?
    .context("the job's row")?;
    let stored: (String, i32, i32, i32) = (
        row.try_get("", "model")?,
        row.try_get("", "prompt_tokens")?,
        row.try_get("", "cached_tokens")?,
        row.try_get("", "completion_tokens")?,
    );
    assert_eq!(stored, ("fake-model".to_owned(), 2000, 800, 400));

    // The same request again: the cache answers, no model, no tokens.
    let hit = finished(&system, user, &body).await?;
    assert_eq!(
        (hit["cache_hit"].as_bool(), hit["model"].clone(), hit["prompt_tokens"].as_i64()),
        (Some(true), Value::Null, Some(0))
    );

    let (status, usage) = system.get(user, "/api/me/usage").await?;
    assert_eq!(status, 200, "{usage}");
    assert_eq!(usage["window"], "30d");
    let counts = ["jobs", "succeeded", "failed", "running", "cache_hits", "generated"].map(|k| usage[k].as_i64());
    assert_eq!(counts, [2, 2, 0, 0, 1, 1].map(Some), "{usage}");
    let sums = ["prompt_tokens", "cached_tokens", "completion_tokens"].map(|k| usage[k].as_i64().unwrap_or(-1));
    assert_eq!(sums, tokens, "the usage sums what the jobs say: {usage}");
    let cost = priced(2000, 800, 400);
    assert!(close(&usage["cost_usd"], cost), "{cost}: {usage}");
    assert!(cost < priced(2000, 0, 400), "the cached tokens were priced lower");
    // The hit saved a resume at the average; the cached tokens their price difference.
    assert!(close(&usage["average_cost_usd"], cost), "{usage}");
    assert!(close(&usage["cache_savings_usd"], cost + 800.0 * (PROMPT - CACHED) / 1000.0), "{usage}");
    assert_eq!(usage["models"][0]["model"], "fake-model");
    assert!(close(&usage["models"][0]["cost_usd"], cost), "{usage}");
    assert_eq!(usage["budget"]["monthly_budget_usd"], Value::Null, "no budget by default: {usage}");
    let resets_at = usage["budget"]["resets_at"].as_str().and_then(|t| t.parse::<DateTime<Utc>>().ok());
    assert_eq!(resets_at, Some(next_month()), "{usage}");

    // The history prices the same way.
    let (_, history) = system.get_with_roles("watcher", &["ops"], "/api/admin/history?window=1h").await?;
    let buckets = history["buckets"].as_array().context("buckets")?;
    let cached: i64 = buckets.iter().map(|b| b["cached_tokens"].as_i64().unwrap_or(0)).sum();
    let costed: f64 = buckets.iter().map(|b| b["cost_usd"].as_f64().unwrap_or(0.0)).sum();
    assert_eq!(cached, 800);
    assert!((costed - cost).abs() < 1e-9, "{costed} vs {cost}");

    // gRPC answers the same; other users see only their own; bad windows are named.
    let mut usage_api = UsageServiceClient::new(system.channel().await?);
    let request = system.grpc_request(user, v1::GetMyUsageRequest { window: "1h".into() });
    let mine = usage_api.get_my_usage(request).await?.into_inner();
    assert_eq!((mine.jobs, mine.prompt_tokens, mine.cached_tokens), (2, 2000, 800));
    assert!((mine.cost_usd - cost).abs() < 1e-9);
    let (_, theirs) = system.get("someone-else", "/api/me/usage?window=24h").await?;
    assert_eq!((theirs["jobs"].as_i64(), theirs["cost_usd"].as_f64()), (Some(0), Some(0.0)), "{theirs}");
    // An unknown window, or one given empty (not the same as leaving it out), is refused.
    for path in ["/api/me/usage?window=2h", "/api/me/usage?window=", "/api/admin/spending?window="] {
        let (status, bad) = system.get_with_roles(user, &["ops"], path).await?;
        assert!(
            status == 400 && bad["error"]["message"].as_str().unwrap_or("").starts_with("window must be"),
            "{path}: {bad}"
        );
    }
    system.stop().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_budget_refuses_model_work_but_not_cache_hits_and_an_admin_lifts_it() -> Result<()> {
    let model = FakeModel::start().await?;
    // Each resume: 2 × (100,000 prompt + 20,000 completion) tokens, $0.44.
    model.set_usage(Usage { prompt_tokens: 100_000, cached_tokens: None, completion_tokens: 20_000 });
    let per_resume = priced(200_000, 0, 40_000);
    let options = Options { user_monthly_budget_usd: 0.40, ..Options::on_model(&model.url) };
    let system = System::start_with(Db::Postgres, 1, options).await?;
    let user = "spender";
    let (candidate, target) = system.candidate_with_target(user).await?;
    let first = json!({"candidate_id": candidate, "job_row_id": target});
    // Nothing spent yet: the first resume runs, and overruns the budget by its own cost.
    let made = finished(&system, user, &first).await?;
    assert_eq!(made["status"], "SUCCESS", "{made}");
    let (_, usage) = system.get(user, "/api/me/usage").await?;
    let budget = &usage["budget"];
    assert!(close(&budget["monthly_budget_usd"], 0.40) && close(&budget["spent_usd"], per_resume), "{usage}");
    assert!(close(&budget["remaining_usd"], 0.0) && budget["overridden"] == false, "{usage}");

    // Now another resume that calls the model is refused, naming the budget and the reset.
    let general = json!({"candidate_id": candidate});
    let response = system
        .http
        .post(system.url("/api/resume-async/generate-async"))
        .bearer_auth(system.token(user))
        .json(&general)
        .send()
        .await?;
    assert_eq!(response.status(), 429);
    let retry_after: u64 = response.headers()["retry-after"].to_str()?.parse()?;
    let refusal: Value = response.json().await?;
    let message = refusal["error"]["message"].as_str().unwrap_or_default();
    assert_eq!(refusal["error"]["code"], "RESOURCE_EXHAUSTED");
    assert!(message.contains("monthly budget of $0.40") && message.contains("$0.44 spent"), "{message}");
    assert!(message.starts_with("a resume that calls the model was refused"), "{message}");
    assert!(message.contains(&next_month().format("resets at %Y-%m-%dT%H:%M:%SZ").to_string()), "{message}");
    assert!(retry_after > 0 && retry_after <= 31 * 24 * 3600, "{retry_after}");
    let jobs_before = system.rows("resume_generation_job").await?;
    assert_eq!(jobs_before, 1, "the refused job was not stored");

    // gRPC says RESOURCE_EXHAUSTED with the same words.
    let mut resumes = ResumeServiceClient::new(system.channel().await?);
    let request = v1::GenerateResumeRequest { candidate_id: candidate, ..Default::default() };
    let status = resumes.generate_resume(system.grpc_request(user, request)).await.unwrap_err();
    assert_eq!(status.code(), tonic::Code::ResourceExhausted, "{status:?}");
    assert!(status.message().contains("monthly budget of $0.40"), "{status:?}");

    // Nor may a resume's text be read by the model into a candidate.
    let text = json!({"text": "Grace Hopper\ngrace@example.com\n\nExperience\nRear Admiral, US Navy"});
    let (status, refused) = system.post(user, "/api/candidates/imports", text).await?;
    assert_eq!(status, 429, "{refused}");
    let message = refused["error"]["message"].as_str().unwrap_or_default();
    assert!(message.starts_with("an import that calls the model was refused"), "{message}");

    // A cache hit is never refused.
    let hit = system.submit(user, &first).await?;
    assert_eq!((hit["status"].as_str(), hit["cache_hit"].as_bool()), (Some("SUCCESS"), Some(true)), "{hit}");
    // Nor is a request whose content is stored for reuse: the same resume as a PDF (no PDF
    // is cached, its content is) is made without the model.
    let as_pdf = json!({"candidate_id": candidate, "job_row_id": target, "file_type": "pdf"});
    let reused = finished(&system, user, &as_pdf).await?;
    assert_eq!((reused["status"].as_str(), reused["cache_hit"].as_bool()), (Some("SUCCESS"), Some(true)), "{reused}");

    // A batch of two new candidates is estimated at two resumes ($0.88): refused whole.
    let (a, b) = (system.candidate_named(user, "Bea One").await?, system.candidate_named(user, "Cy Two").await?);
    let batch = json!({"items": [{"candidate_id": a}, {"candidate_id": b}]});
    let (status, estimate) = system.post(user, "/api/batches/estimate", batch.clone()).await?;
    assert_eq!(status, 200, "{estimate}");
    assert_eq!((estimate["items"].as_i64(), estimate["within_budget"].as_bool()), (Some(2), Some(false)), "{estimate}");
    assert!(close(&estimate["estimated_cost_usd"], 2.0 * per_resume), "{estimate}");
    let jobs_before = system.rows("resume_generation_job").await?;
    let (status, refused) = system.post(user, "/api/batches", batch.clone()).await?;
    assert_eq!(status, 429, "{refused}");
    let message = refused["error"]["message"].as_str().unwrap_or_default();
    assert!(message.contains("estimated at $0.88") && message.contains("resets at"), "{message}");
    assert_eq!(system.rows("batch").await?, 0, "no batch stored");
    assert_eq!(system.rows("resume_generation_job").await?, jobs_before, "no item stored");
    assert_eq!(system.depth(resume_proto::redis::Queue::ResumeGeneration).await?, 0, "nothing queued");
    // A batch of the first resume as Markdown: no Markdown is cached, its content is, so the
    // item does not call the model and the batch is not refused.
    let reusing = json!({"items": [{"candidate_id": candidate, "job_row_id": target}], "file_type": "markdown"});
    let (status, accepted) = system.post(user, "/api/batches", reusing).await?;
    assert_eq!(status, 202, "{accepted}");
    assert!(close(&accepted["estimated_cost_usd"], 0.0), "{accepted}");
    let item = accepted["items"][0]["job"]["job_id"].as_str().context("the item's job")?;
    let made = system.poll_until_done(user, item).await?.pop().context("the item")?;
    assert_eq!((made["status"].as_str(), made["cache_hit"].as_bool()), (Some("SUCCESS"), Some(true)), "{made}");

    // Only an admin sets a user's own budget; it lifts the refusal.
    let path = format!("/api/admin/users/{user}/budget");
    let put = |roles: &'static [&'static str], body: Value| {
        let request = system.http.put(system.url(&path)).bearer_auth(system.token_with_roles("boss", roles));
        async move {
            let response = request.json(&body).send().await?;
            Ok::<_, anyhow::Error>((response.status().as_u16(), response.json::<Value>().await?))
        }
    };
    assert_eq!(put(&["ops"], json!({"monthly_budget_usd": 5})).await?.0, 403);
    let (status, lifted) = put(&["admin"], json!({"monthly_budget_usd": 5})).await?;
    assert_eq!(status, 200, "{lifted}");
    assert_eq!((lifted["owner"].as_str(), lifted["budget"]["overridden"].as_bool()), (Some(user), Some(true)));
    assert!(close(&lifted["budget"]["remaining_usd"], 5.0 - per_resume), "{lifted}");
    let again = finished(&system, user, &general).await?;
    assert_eq!(again["status"], "SUCCESS", "{again}");
    // Slow enough that the batch is still running when it is followed below; Cy Two's
    // resume is refused by the model (a permanent failure: no tokens, no cost).
    model.set_latency(Duration::from_millis(200));
    model.refuse_prompts_containing(&["Cy Two"], 400);
    let (status, accepted) = system.post(user, "/api/batches", batch).await?;
    assert_eq!(status, 202, "{accepted}");
    assert!(close(&accepted["estimated_cost_usd"], 2.0 * per_resume), "{accepted}");
    let batch_id = accepted["batch_id"].as_str().context("batch id")?.to_owned();
    // Followed to its end over gRPC: the last message says what the batch cost, as its read does.
    let mut batches = BatchServiceClient::new(system.channel().await?);
    let request = system.grpc_request(user, v1::WatchBatchRequest { batch_id: batch_id.clone() });
    let mut stream = batches.watch_batch(request).await?.into_inner();
    let mut last = None;
    while let Some(message) = stream.message().await? {
        last = message.batch;
    }
    model.set_latency(Duration::ZERO);
    let last = last.context("a message")?;
    assert_eq!(last.counts.map(|c| (c.succeeded, c.failed)), Some((1, 1)), "{last:?}");
    assert!((last.cost_usd - per_resume).abs() < 1e-9, "the batch's cost after: {last:?}");
    let (_, ended) = system.get(user, &format!("/api/batches/{batch_id}")).await?;
    assert!(close(&ended["cost_usd"], per_resume), "the batch's cost after: {ended}");
    model.refuse_prompts_containing(&[], 400);

    // The console: the spender on top, their override; the batch among the recent ones.
    let (status, spending) = system.get_with_roles("watcher", &["ops"], "/api/admin/spending?window=24h").await?;
    assert_eq!(status, 200, "{spending}");
    let top = &spending["owners"][0];
    assert_eq!((top["owner"].as_str(), top["jobs"].as_i64()), (Some(user), Some(7)), "{spending}");
    assert!(close(&top["cost_usd"], 3.0 * per_resume) && top["budget"]["overridden"] == true, "{spending}");
    let today: f64 = spending["days"].as_array().context("days")?.iter().filter_map(|d| d["cost_usd"].as_f64()).sum();
    assert!((today - 3.0 * per_resume).abs() < 1e-9, "{spending}");
    let (_, recent) = system.get_with_roles("watcher", &["ops"], "/api/admin/batches").await?;
    assert_eq!(
        (recent["batches"][0]["owner"].as_str(), recent["batches"][0]["batch"]["batch_id"].as_str()),
        (Some(user), Some(batch_id.as_str()))
    );

    // Taken away again, the default applies (and refuses once more); the audit log says so.
    let (status, reset) = put(&["admin"], json!({"monthly_budget_usd": null})).await?;
    assert_eq!((status, reset["budget"]["overridden"].as_bool()), (200, Some(false)), "{reset}");
    let other = system.candidate_named(user, "Di Three").await?;
    let (status, _) = system.post(user, "/api/resume-async/generate-async", json!({"candidate_id": other})).await?;
    assert_eq!(status, 429);
    // Running the batch's failed item again calls the model: refused too, and it stays failed.
    let (status, refused) = system.post(user, &format!("/api/batches/{batch_id}/retry-failed"), json!({})).await?;
    assert_eq!(status, 429, "{refused}");
    let message = refused["error"]["message"].as_str().unwrap_or_default();
    assert!(message.starts_with("retrying the batch's failed items was refused"), "{message}");
    let (_, still) = system.get(user, &format!("/api/batches/{batch_id}")).await?;
    assert_eq!(still["counts"]["failed"], 1, "{still}");
    assert_eq!(system.depth(resume_proto::redis::Queue::ResumeGeneration).await?, 0, "nothing queued");
    let (_, audit) = system.get_with_roles("watcher", &["ops"], "/api/admin/audit").await?;
    let actions: Vec<(&str, &str)> = audit["entries"]
        .as_array()
        .context("entries")?
        .iter()
        .map(|e| (e["action"].as_str().unwrap_or(""), e["target"].as_str().unwrap_or("")))
        .collect();
    assert_eq!(actions[..2], [("budget", "spender=default"), ("budget", "spender=5")], "{audit}");
    system.stop().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_a_model_nothing_costs_anything_and_nothing_is_refused() -> Result<()> {
    let options =
        Options { user_monthly_budget_usd: 0.01, retry_base_delay_ms: 50, max_attempts: 3, ..Options::default() };
    let system = System::start_with(Db::Sqlite, 1, options).await?;
    let user = "offline";
    let candidate = system.candidate_named(user, "Eve Offline").await?;
    for _ in 0..2 {
        let job = finished(&system, user, &json!({"candidate_id": candidate, "fresh": true})).await?;
        assert_eq!((job["status"].as_str(), job["model"].as_str()), (Some("SUCCESS"), Some("offline")), "{job}");
    }
    let (_, usage) = system.get(user, "/api/me/usage").await?;
    assert_eq!((usage["generated"].as_i64(), usage["cost_usd"].as_f64()), (Some(2), Some(0.0)), "{usage}");
    assert!(close(&usage["budget"]["remaining_usd"], 0.01), "{usage}");
    system.stop().await
}
