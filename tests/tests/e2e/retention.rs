//! Retention: what is older than `RETENTION_DAYS` (30 in the harness) goes, nothing
//! younger does. A server sweeps when it starts, so the test ages some rows, starts a second
//! server and watches.

use e2e::{Db, PATIENCE, System, eventually};
use sea_orm::{
    ConnectionTrait, DatabaseConnection,
    sea_query::{Alias, Expr, ExprTrait, Query},
};
use serde_json::{Value, json};

async fn finished(system: &System, user: &str, body: &Value) -> anyhow::Result<Value> {
    let job = system.submit(user, body).await?;
    Ok(system.poll_until_done(user, job["job_id"].as_str().unwrap()).await?.pop().unwrap())
}

/// Sets `column` of the rows of `table` whose `key` is `value` to `at`.
async fn set_time(
    db: &DatabaseConnection,
    table: &str,
    column: &str,
    at: chrono::DateTime<chrono::Utc>,
    key: &str,
    value: &str,
) -> anyhow::Result<u64> {
    let mut update = Query::update();
    update.table(Alias::new(table)).value(Alias::new(column), at).and_where(Expr::col(Alias::new(key)).eq(value));
    Ok(db.execute(&update).await?.rows_affected())
}

/// Stores a document no job refers to, made at `at`.
async fn orphan(db: &DatabaseConnection, hash: &str, at: chrono::DateTime<chrono::Utc>) -> anyhow::Result<()> {
    let mut insert = Query::insert();
    insert
        .into_table(Alias::new("resume_document"))
        .columns(["hash", "content_type", "size", "content", "created_at"].map(Alias::new))
        .values_panic([hash.into(), "text/plain".into(), 1i64.into(), b"x".to_vec().into(), at.into()]);
    db.execute(&insert).await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn retention_deletes_only_what_is_old() -> anyhow::Result<()> {
    let mut system = System::start(Db::Postgres, 1).await?;
    let (candidate, _) = system.candidate_with_target("keeper").await?;
    let word = json!({"candidate_id": candidate});
    let old = finished(&system, "keeper", &word).await?;
    // The same request again: a cache hit, returning the same document as the old job.
    let shared = finished(&system, "keeper", &word).await?;
    assert_eq!(shared["cache_hit"], true, "{shared}");
    let young = finished(&system, "keeper", &json!({"candidate_id": candidate, "file_type": "pdf"})).await?;
    let [old_id, shared_id, young_id] = [&old, &shared, &young].map(|j| j["job_id"].as_str().unwrap().to_owned());

    // Two imports never accepted: one made long ago (its upload must not outlive retention).
    let mut imports = Vec::new();
    for text in ["Old Upload\nold@example.com", "Young Upload\nyoung@example.com"] {
        let (status, import) = system.post("keeper", "/api/candidates/imports", json!({"text": text})).await?;
        assert_eq!(status, 202, "{import}");
        imports.push(import["import_id"].as_str().unwrap().to_owned());
    }

    let db = system.database().await?;
    let long_ago = chrono::Utc::now() - chrono::Duration::days(40);
    assert_eq!(set_time(&db, "resume_generation_job", "created_at", long_ago, "id", &imports[0]).await?, 1);
    assert_eq!(set_time(&db, "resume_generation_job", "completed_at", long_ago, "id", &old_id).await?, 1);
    assert!(set_time(&db, "job_event", "at", long_ago, "job_id", &old_id).await? >= 3);
    orphan(&db, "stale-orphan", chrono::Utc::now() - chrono::Duration::hours(2)).await?;
    orphan(&db, "fresh-orphan", chrono::Utc::now()).await?;
    let documents_before = system.rows("resume_document").await?;

    // A server sweeps when it starts.
    system.start_server().await?;
    let path = format!("/api/resume-async/download/{old_id}");
    let gone = eventually("the old job's file to be deleted (409)", PATIENCE, || async {
        let answer = system.get("keeper", &path).await?;
        Ok((answer.0 == 409).then_some(answer))
    })
    .await?;
    let message = gone.1["error"]["message"].as_str().unwrap();
    assert!(message.contains("was deleted: it is kept 30 days after a job ends"), "{message}");
    let (status, _) = system.get("keeper", &format!("/api/resume-async/content/{old_id}")).await?;
    assert_eq!(status, 409, "its content goes too");

    // The old import went whole (its upload and draft with it); the young one stayed.
    let [old_import, young_import] = [&imports[0], &imports[1]].map(|id| format!("/api/candidates/imports/{id}"));
    eventually("the old import to go", PATIENCE, || async {
        Ok((system.get("keeper", &old_import).await?.0 == 404).then_some(()))
    })
    .await?;
    assert_eq!(system.get("keeper", &young_import).await?.0, 200);

    // The job itself stays, with only its submission left in the timeline.
    let (_, job) = system.get("keeper", &format!("/api/resume-async/job-status/{old_id}")).await?;
    assert_eq!(job["status"], "SUCCESS");
    let (_, detail) = system.get_with_roles("watcher", &["ops"], &format!("/api/admin/jobs/{old_id}")).await?;
    assert_eq!(detail["events"].as_array().unwrap().len(), 1, "{detail}");

    // What is young stays: the other jobs' files (the shared document too) and timelines.
    for id in [&shared_id, &young_id] {
        let response = system
            .http
            .get(system.url(&format!("/api/resume-async/download/{id}")))
            .bearer_auth(system.token("keeper"))
            .send()
            .await?;
        assert_eq!(response.status(), 200, "{id}");
        let (_, detail) = system.get_with_roles("watcher", &["ops"], &format!("/api/admin/jobs/{id}")).await?;
        assert!(detail["events"].as_array().unwrap().len() >= 2, "{detail}");
    }
    // The stale orphan went, the fresh one (it may be mid-store) stayed; the shared
    // document stayed for the younger job.
    assert_eq!(system.rows("resume_document").await?, documents_before - 1);
    let left = db
        .query_one_raw(sea_orm::Statement::from_string(
            db.get_database_backend(),
            "SELECT COUNT(*) AS n FROM resume_document WHERE hash IN ('stale-orphan', 'fresh-orphan')",
        ))
        .await?
        .unwrap()
        .try_get::<i64>("", "n")?;
    assert_eq!(left, 1);
    db.close().await?;
    system.stop().await
}
