//! The imports migration on a SQLite database that already holds jobs: SQLite cannot drop
//! a NOT NULL in place, so the job table is rebuilt; every job, and every row that points
//! at one (its timeline, content and file), must come through it, and its foreign keys
//! must still hold (a candidate's deletion still takes their jobs with it).

use anyhow::Result;
use migrations::{Migrator, MigratorTrait};
use sea_orm::{ConnectionTrait, Database, DatabaseConnection, DbBackend, Statement};
use test_support::TempDir;

async fn count(db: &DatabaseConnection, sql: &str) -> Result<i64> {
    let row = db.query_one_raw(Statement::from_string(DbBackend::Sqlite, sql)).await?.expect("a row");
    Ok(row.try_get_by_index(0)?)
}

#[tokio::test]
async fn jobs_and_what_points_at_them_survive_the_rebuild() -> Result<()> {
    let dir = TempDir::new("import-migration")?;
    let url = format!("sqlite://{}/t.db?mode=rwc", dir.path().display());
    let before = Database::connect(&url).await?;
    let imports = Migrator::migrations().len() - 1;
    Migrator::up(&before, Some(imports as u32)).await?;
    let now = "2026-12-01T10:00:00Z";
    for sql in [
        format!(
            "INSERT INTO candidate (id, owner, full_name, profile, created_at) VALUES (1, 'u', 'Ada', '{{}}', '{now}')"
        ),
        format!(
            "INSERT INTO resume_generation_job (id, owner, candidate_id, status, progress, file_type, priority, cache_hit, attempts, created_at) \
             VALUES ('j1', 'u', 1, 'SUCCESS', 100, 'pdf', 'default', false, 1, '{now}')"
        ),
        format!("INSERT INTO job_event (job_id, at, kind) VALUES ('j1', '{now}', 'claimed')"),
        format!("INSERT INTO resume_content (job_id, content, created_at) VALUES ('j1', x'00', '{now}')"),
    ] {
        before.execute_unprepared(&sql).await?;
    }
    before.close().await?;

    let db = server::db::connect(&url).await?;
    assert_eq!(count(&db, "SELECT count(*) FROM resume_generation_job").await?, 1);
    assert_eq!(count(&db, "SELECT count(*) FROM job_event").await?, 1, "the timeline came through");
    assert_eq!(count(&db, "SELECT count(*) FROM resume_content").await?, 1, "the content came through");
    // An import has no candidate yet.
    db.execute_unprepared(&format!(
        "INSERT INTO resume_generation_job (id, owner, candidate_id, status, progress, file_type, priority, cache_hit, attempts, created_at) \
         VALUES ('i1', 'u', NULL, 'PENDING', 0, 'word', 'default', false, 0, '{now}')"
    ))
    .await?;
    // The cascades still hold: the candidate takes their job, its timeline and content.
    db.execute_unprepared("DELETE FROM candidate WHERE id = 1").await?;
    assert_eq!(count(&db, "SELECT count(*) FROM resume_generation_job").await?, 1, "only the import is left");
    assert_eq!(count(&db, "SELECT count(*) FROM job_event").await?, 0);
    assert_eq!(count(&db, "SELECT count(*) FROM resume_content").await?, 0);
    Ok(())
}
