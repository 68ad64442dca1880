//! Imports: a job of kind `import` reads an uploaded resume into a candidate draft. It has
//! no candidate until its draft is accepted, so a job's `candidate_id` may now be NULL; the
//! import's own columns live in `candidate_import`, gone with its job (and the job, once
//! accepted, with its candidate, by the existing cascade).
//!
//! SQLite cannot drop a NOT NULL in place: the job table is rebuilt by SQLite's documented
//! procedure (foreign keys off, new table from the stored definition, rows copied, old one
//! dropped, new one renamed, indexes made again, foreign keys checked), on the one
//! connection the server migrates on.

use sea_orm::{ConnectionTrait, DbBackend, Statement};
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum ResumeGenerationJob {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum CandidateImport {
    Table,
    JobId,
    Filename,
    ContentType,
    Size,
    Format,
    Source,
    Draft,
    AcceptedAt,
}

const JOBS: &str = "resume_generation_job";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        // SQLite's rebuild turns foreign keys off, which a transaction would ignore; it
        // runs its own. Postgres: one transaction, as usual.
        None
    }

    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        // The project runs on Postgres and SQLite only.
        if db.get_database_backend() == DbBackend::Postgres {
            db.execute_unprepared(&format!("ALTER TABLE {JOBS} ALTER COLUMN candidate_id DROP NOT NULL")).await?;
        } else {
            rebuild_sqlite(db, |sql| candidate_column(sql, |c| c.replacen(" NOT NULL", "", 1))).await?;
        }
        use CandidateImport as I;
        let table = Table::create()
            .table(I::Table)
            .col(ColumnDef::new(I::JobId).string_len(36).not_null().primary_key())
            .col(ColumnDef::new(I::Filename).string_len(255).null())
            .col(ColumnDef::new(I::ContentType).string_len(255).not_null())
            .col(ColumnDef::new(I::Size).big_integer().not_null())
            .col(ColumnDef::new(I::Format).string_len(16).not_null())
            .col(ColumnDef::new(I::Source).blob().null())
            .col(ColumnDef::new(I::Draft).blob().null())
            .col(ColumnDef::new(I::AcceptedAt).timestamp_with_time_zone().null())
            .foreign_key(
                ForeignKey::create()
                    .from(I::Table, I::JobId)
                    .to(ResumeGenerationJob::Table, ResumeGenerationJob::Id)
                    .on_delete(ForeignKeyAction::Cascade),
            )
            .to_owned();
        manager.create_table(table).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(CandidateImport::Table).to_owned()).await?;
        let db = manager.get_connection();
        db.execute_unprepared(&format!("DELETE FROM {JOBS} WHERE candidate_id IS NULL")).await?;
        if db.get_database_backend() == DbBackend::Postgres {
            db.execute_unprepared(&format!("ALTER TABLE {JOBS} ALTER COLUMN candidate_id SET NOT NULL")).await?;
            Ok(())
        } else {
            rebuild_sqlite(db, |sql| candidate_column(sql, |c| format!("{c} NOT NULL"))).await
        }
    }
}

/// `sql` (a table's definition) with its `candidate_id` column's definition (up to the
/// next comma) changed by `change`.
fn candidate_column(sql: &str, change: impl Fn(&str) -> String) -> String {
    let Some(start) = sql.find("\"candidate_id\" ") else { return sql.to_owned() };
    let end = sql[start..].find(',').map_or(sql.len(), |at| start + at);
    format!("{}{}{}", &sql[..start], change(&sql[start..end]), &sql[end..])
}

/// Rebuilds SQLite's job table with its definition changed by `change`, keeping its rows,
/// indexes and the foreign keys that point at it.
async fn rebuild_sqlite(db: &SchemaManagerConnection<'_>, change: impl Fn(&str) -> String) -> Result<(), DbErr> {
    let definition = |kind: &str| {
        Statement::from_sql_and_values(
            DbBackend::Sqlite,
            "SELECT sql FROM sqlite_master WHERE tbl_name = ? AND type = ? AND sql IS NOT NULL",
            [JOBS.into(), kind.into()],
        )
    };
    let table: String = db
        .query_one_raw(definition("table"))
        .await?
        .ok_or_else(|| DbErr::Migration(format!("no table {JOBS}")))?
        .try_get_by_index(0)?;
    let changed = change(&table);
    if changed == table {
        return Err(DbErr::Migration(format!("{JOBS}'s definition is not the one expected: {table}")));
    }
    let indexes: Vec<String> = db
        .query_all_raw(definition("index"))
        .await?
        .iter()
        .map(|row| row.try_get_by_index(0))
        .collect::<Result<_, _>>()?;
    let rebuilt = changed.replacen(&format!("\"{JOBS}\""), &format!("\"{JOBS}_new\""), 1);
    db.execute_unprepared("PRAGMA foreign_keys = OFF").await?;
    let steps = async {
        db.execute_unprepared("BEGIN").await?;
        db.execute_unprepared(&rebuilt).await?;
        db.execute_unprepared(&format!("INSERT INTO \"{JOBS}_new\" SELECT * FROM \"{JOBS}\"")).await?;
        db.execute_unprepared(&format!("DROP TABLE \"{JOBS}\"")).await?;
        db.execute_unprepared(&format!("ALTER TABLE \"{JOBS}_new\" RENAME TO \"{JOBS}\"")).await?;
        for index in &indexes {
            db.execute_unprepared(index).await?;
        }
        let broken = db.query_all_raw(Statement::from_string(DbBackend::Sqlite, "PRAGMA foreign_key_check")).await?;
        if !broken.is_empty() {
            return Err(DbErr::Migration(format!("{} rows break a foreign key after the rebuild", broken.len())));
        }
        db.execute_unprepared("COMMIT").await.map(drop)
    };
    let done = steps.await;
    if done.is_err() {
        let _ = db.execute_unprepared("ROLLBACK").await;
    }
    db.execute_unprepared("PRAGMA foreign_keys = ON").await?;
    done
}
