//! The console's history (`GET /api/admin/history`, `AdminService.GetHistory`): buckets of
//! time computed from the database, so two servers answer the same.

use e2e::{
    Db, Options, System,
    fake_model::{FakeModel, Reply},
};
use resume_proto::v1::{self, admin_service_client::AdminServiceClient};
use serde_json::{Value, json};
use tonic::transport::Channel;

async fn finished(system: &System, user: &str, body: &Value) -> anyhow::Result<Value> {
    let job = system.submit(user, body).await?;
    Ok(system.poll_until_done(user, job["job_id"].as_str().unwrap()).await?.pop().unwrap())
}

fn sum(buckets: &[Value], key: &str) -> i64 {
    buckets.iter().map(|b| b[key].as_i64().unwrap()).sum()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_servers_show_the_same_history_of_counts_times_tokens_and_cost() -> anyhow::Result<()> {
    let model = FakeModel::start().await?;
    let mut system = System::start_with(Db::Postgres, 1, Options::on_model(&model.url)).await?;
    let (candidate, target) = system.candidate_with_target("counted").await?;
    let body = json!({"candidate_id": candidate, "job_row_id": target});
    let made = finished(&system, "counted", &body).await?;
    let hit = finished(&system, "counted", &body).await?;
    model.script([Reply::Status(401, None)]);
    let failed = finished(&system, "counted", &json!({"candidate_id": candidate})).await?;
    let outcomes = [&made, &hit, &failed].map(|j| (j["status"].as_str().unwrap().to_owned(), j["cache_hit"].clone()));
    assert_eq!(outcomes[..2], [("SUCCESS".into(), json!(false)), ("SUCCESS".into(), json!(true))]);
    assert_eq!(outcomes[2].0, "FAILURE");

    let (status, history) = system.get_with_roles("watcher", &["ops"], "/api/admin/history?window=1h").await?;
    assert_eq!(status, 200, "{history}");
    let buckets = history["buckets"].as_array().unwrap();
    assert!((61..=62).contains(&buckets.len()), "a bucket a minute: {}", buckets.len());
    assert!(buckets.windows(2).all(|w| w[0]["start"].as_str() < w[1]["start"].as_str()), "oldest first");
    let totals: Vec<i64> =
        ["submitted", "succeeded", "failed", "cancelled", "cache_hits"].iter().map(|k| sum(buckets, k)).collect();
    assert_eq!(totals, [3, 2, 1, 0, 1], "{history}");
    let (prompt, completion) = (made["prompt_tokens"].as_i64().unwrap(), made["completion_tokens"].as_i64().unwrap());
    assert!(prompt > 0 && completion > 0, "{made}");
    assert_eq!((sum(buckets, "prompt_tokens"), sum(buckets, "completion_tokens")), (prompt, completion));
    // The harness prices the fake model at $0.001 and $0.006 per 1,000 tokens.
    let cost = (prompt as f64 * 0.001 + completion as f64 * 0.006) / 1000.0;
    let costed: f64 = buckets.iter().map(|b| b["cost_usd"].as_f64().unwrap()).sum();
    assert!((costed - cost).abs() < 1e-9, "{costed} vs {cost}");
    assert!((history["cost_per_generated_usd"].as_f64().unwrap() - cost).abs() < 1e-9, "{history}");
    let ran: Vec<&Value> = buckets.iter().filter(|b| !b["run_p50_ms"].is_null()).collect();
    assert!(!ran.is_empty() && ran.iter().all(|b| b["run_p95_ms"].as_f64() >= b["run_p50_ms"].as_f64()), "{history}");
    assert!(buckets.iter().any(|b| b["wait_p50_ms"].as_f64().is_some_and(|w| w >= 0.0)));

    // Another server on the same database answers the same buckets.
    let second = system.start_server().await?;
    let channel = Channel::from_shared(format!("http://{second}"))?.connect().await?;
    let mut request = tonic::Request::new(v1::GetHistoryRequest { window: "1h".into(), bucket: None });
    let bearer = format!("Bearer {}", system.token_with_roles("watcher", &["ops"]));
    request.metadata_mut().insert("authorization", bearer.parse()?);
    let other = AdminServiceClient::new(channel).get_history(request).await?.into_inner();
    let counts = |b: &v1::HistoryBucket| (b.submitted, b.succeeded, b.failed, b.cache_hits, b.prompt_tokens);
    let theirs: Vec<_> = other.buckets.iter().map(counts).filter(|c| *c != (0, 0, 0, 0, 0)).collect();
    let ours: Vec<_> = buckets
        .iter()
        .map(|b| ["submitted", "succeeded", "failed", "cache_hits", "prompt_tokens"].map(|k| b[k].as_i64().unwrap()))
        .map(|[a, b, c, d, e]| (a, b, c, d, e))
        .filter(|c| *c != (0, 0, 0, 0, 0))
        .collect();
    assert_eq!(theirs, ours);
    assert!((other.cost_per_generated_usd - cost).abs() < 1e-9);

    // Bad windows are named; users may not look.
    for (query, message) in
        [("window=2h", "window must be"), ("window=30d&bucket=60", "bucket must be at least 1296 seconds")]
    {
        let (status, body) = system.get_with_roles("watcher", &["ops"], &format!("/api/admin/history?{query}")).await?;
        assert!(status == 400 && body["error"]["message"].as_str().unwrap().starts_with(message), "{query}: {body}");
    }
    assert_eq!(system.get("counted", "/api/admin/history").await?.0, 403);
    system.stop().await
}
