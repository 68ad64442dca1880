//! Fair queues: one recruiter's batch does not hold back another's single job. The order
//! is the timeline's: the `claimed` entries of every job, oldest first.

use std::time::Duration;

use e2e::{Db, Options, PATIENCE, System, eventually, fake_model::FakeModel, redis_cluster::RedisCluster};
use futures::{StreamExt, TryStreamExt};
use sea_orm::{ConnectionTrait, DatabaseConnection, Statement};
use serde_json::json;

/// A's batch.
const BATCH: usize = 200;
/// B's job must start before A's 10th task from the moment B submits: behind at most nine
/// (owners take turns, so it starts within the next two; first come, first served, it
/// would start behind every task of A's still waiting).
const BEHIND_AT_MOST: usize = 9;

/// The job ids of every claim on the timeline, in the order they were made.
async fn claims(db: &DatabaseConnection) -> anyhow::Result<Vec<String>> {
    let sql = "SELECT job_id FROM job_event WHERE kind = 'claimed' ORDER BY id";
    let rows = db.query_all_raw(Statement::from_string(db.get_database_backend(), sql)).await?;
    Ok(rows.iter().map(|row| row.try_get::<String>("", "job_id")).collect::<Result<_, _>>()?)
}

/// A submits [`BATCH`] jobs while one worker (two slots) drains them, then B submits one:
/// B's starts behind at most [`BEHIND_AT_MOST`] of A's.
async fn a_batch_does_not_hold_back_another_owner(db: Db, cluster: Option<&RedisCluster>) -> anyhow::Result<()> {
    let model = FakeModel::start().await?;
    // Slow enough that A's batch is still waiting when B submits.
    model.set_latency(Duration::from_millis(50));
    let options = Options {
        result_cache_ttl_secs: 0,
        redis_url: cluster.map(|cluster| cluster.url.clone()),
        redis_cluster: cluster.is_some(),
        ..Options::on_model(&model.url)
    };
    let system = System::start_with(db, 1, options).await?;
    let database = system.database().await?;
    let (a, _) = system.candidate_with_target("recruiter-a").await?;
    let (b, _) = system.candidate_with_target("recruiter-b").await?;
    // `fresh`: each of A's jobs is made anew, none waits for an identical one.
    let body = json!({"candidate_id": a, "fresh": true});
    let _: Vec<_> =
        futures::stream::iter(0..BATCH).map(|_| system.submit("recruiter-a", &body)).buffered(8).try_collect().await?;

    let before = claims(&database).await?.len();
    anyhow::ensure!(BATCH - before > BEHIND_AT_MOST, "A's batch drained before B submitted: nothing was measured");
    let job = system.submit("recruiter-b", &json!({"candidate_id": b})).await?;
    let b_job = job["job_id"].as_str().unwrap_or_default().to_owned();
    let order = eventually("B's job to start", PATIENCE, || async {
        let order = claims(&database).await?;
        Ok(order.contains(&b_job).then_some(order))
    })
    .await?;
    // Every claim after the ones seen before B submitted and before B's own is one of A's.
    let ahead = order[before..].iter().take_while(|id| **id != b_job).count();
    assert!(
        ahead <= BEHIND_AT_MOST,
        "B's job started behind {ahead} of A's tasks ({} of A's were waiting when B submitted)",
        BATCH - before
    );
    database.close().await?;
    system.stop().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_batch_does_not_hold_back_another_owner_on_sqlite() -> anyhow::Result<()> {
    a_batch_does_not_hold_back_another_owner(Db::Sqlite, None).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_batch_does_not_hold_back_another_owner_on_postgres() -> anyhow::Result<()> {
    a_batch_does_not_hold_back_another_owner(Db::Postgres, None).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_batch_does_not_hold_back_another_owner_on_a_redis_cluster() -> anyhow::Result<()> {
    let cluster = RedisCluster::start().await?;
    a_batch_does_not_hold_back_another_owner(Db::Sqlite, Some(&cluster)).await
}
