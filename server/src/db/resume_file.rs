//! The `resume_file` table: which document a successful job returned (its bytes are in
//! `resume_document`, once for every job that returned the same file).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "resume_file")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub job_id: String,
    pub document_hash: String,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::resume_document::Entity",
        from = "Column::DocumentHash",
        to = "super::resume_document::Column::Hash"
    )]
    Document,
}

impl Related<super::resume_document::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Document.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}

#[cfg(test)]
mod tests {
    use migrations::{Migrator, MigratorTrait};
    use sea_orm::{ConnectionTrait, Database, EntityTrait, QueryOrder, Statement};
    use test_support::TempDir;

    use super::*;
    use crate::db::resume_document;

    #[tokio::test]
    async fn files_stored_per_job_move_to_one_document_each_and_back() {
        let dir = TempDir::new("resume-migrate-test").expect("a temporary folder");
        let db = Database::connect(format!("sqlite://{}/m.db?mode=rwc", dir.path().display())).await.unwrap();
        Migrator::up(&db, Some(4)).await.unwrap();
        let run = |sql: &str| db.execute_raw(Statement::from_string(db.get_database_backend(), sql.to_owned()));
        run("INSERT INTO candidate (owner, full_name, profile, created_at) VALUES ('u', 'Ada', '{}', '2026-11-30 10:00:00+00:00')")
            .await
            .unwrap();
        for (job, bytes) in [("a", "same"), ("b", "same"), ("c", "other")] {
            run(&format!(
                "INSERT INTO resume_generation_job (id, owner, candidate_id, status, progress, file_type, priority, \
                 cache_hit, attempts, created_at, prompt_tokens, completion_tokens, generation_ms) VALUES \
                 ('{job}', 'u', 1, 'SUCCESS', 100, 'pdf', 'default', false, 1, '2026-11-30 10:00:00+00:00', 0, 0, 0)"
            ))
            .await
            .unwrap();
            run(&format!(
                "INSERT INTO resume_file (job_id, content_type, size, content, created_at) VALUES \
                 ('{job}', 'application/pdf', 4, CAST('{bytes}' AS BLOB), '2026-11-30 10:00:00+00:00')"
            ))
            .await
            .unwrap();
        }

        // This migration alone, then back.
        Migrator::up(&db, Some(1)).await.unwrap();
        let files = Entity::find().order_by_asc(Column::JobId).all(&db).await.unwrap();
        let hashes: Vec<&str> = files.iter().map(|f| f.document_hash.as_str()).collect();
        let same = resume_proto::redis::cache::sha256_hex(b"same");
        assert_eq!(hashes, [same.as_str(), same.as_str(), &resume_proto::redis::cache::sha256_hex(b"other")]);
        let documents = resume_document::Entity::find().all(&db).await.unwrap();
        assert_eq!(documents.len(), 2, "one copy of the bytes two jobs returned");
        let kept = resume_document::Entity::find_by_id(same).one(&db).await.unwrap().expect("the shared document");
        assert_eq!(
            (kept.content.as_slice(), kept.size, kept.content_type.as_str()),
            (&b"same"[..], 4, "application/pdf")
        );

        // Rolled back, each job has its own copy again.
        Migrator::down(&db, Some(1)).await.unwrap();
        let copies = db
            .query_all_raw(Statement::from_string(
                db.get_database_backend(),
                "SELECT job_id, CAST(content AS TEXT) AS text FROM resume_file ORDER BY job_id".to_owned(),
            ))
            .await
            .unwrap();
        let copies: Vec<(String, String)> =
            copies.iter().map(|r| (r.try_get("", "job_id").unwrap(), r.try_get("", "text").unwrap())).collect();
        let expected = [("a", "same"), ("b", "same"), ("c", "other")].map(|(j, t)| (j.to_owned(), t.to_owned()));
        assert_eq!(copies, expected);
    }
}
