//! The whole system on a Redis Cluster (`REDIS_CLUSTER=1`): queues, Lua scripts, pub/sub
//! progress, the result cache and the rate limit all work across three nodes.

use e2e::{Db, Options, System, docx_text, redis_cluster::RedisCluster};
use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_whole_flow_runs_on_a_redis_cluster() -> anyhow::Result<()> {
    let cluster = RedisCluster::start().await?;
    let options = Options {
        retry_base_delay_ms: 50,
        max_attempts: 3,
        result_cache_ttl_secs: 3600,
        api_rate_limit_per_min: 1_000,
        redis_url: Some(cluster.url.clone()),
        redis_cluster: true,
        ..Options::default()
    };
    let system = System::start_with(Db::Sqlite, 1, options).await?;
    let (status, ready) = system.get("ops", "/api/readyz").await?;
    assert_eq!((status, &ready["checks"]["redis"]), (200, &json!("ok")), "{ready}");

    let (candidate, target) = system.candidate_with_target("cleo").await?;
    let body = json!({"candidate_id": candidate, "job_row_id": target, "priority": "high"});
    let (status, job) = system.post("cleo", "/api/resume-async/generate-async", body.clone()).await?;
    assert_eq!(status, 202, "{job}");
    let seen = system.poll_until_done("cleo", job["job_id"].as_str().unwrap()).await?;
    let done = seen.last().unwrap();
    assert_eq!(done["status"], "SUCCESS", "{seen:?}");

    let response = system.download("cleo", done).await?;
    let (text, _) = docx_text(&response.bytes().await?)?;
    assert!(text.contains("Ada Lovelace"), "{text}");

    // The same request again is answered from the cache the worker wrote to the cluster.
    let (status, again) = system.post("cleo", "/api/resume-async/generate-async", body).await?;
    assert_eq!((status, &again["status"], &again["cache_hit"]), (202, &json!("SUCCESS"), &json!(true)), "{again}");
    system.stop().await
}
