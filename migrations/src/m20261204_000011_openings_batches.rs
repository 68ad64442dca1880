//! Openings and batches (issue 24). An opening is a recruiter's posting, written once; a
//! candidate's target job may point at one (`candidate_job.opening_id`, its text copied
//! from the opening and kept in step with it). A batch is one submission of many resume
//! jobs; each of its jobs names it (`resume_generation_job.batch_id`).
//!
//! Deleting an opening leaves its target jobs as ordinary ones (their copy of its text
//! stays) and its batches without an opening; the columns that point at it are set NULL.
//! The new columns are added with plain `ALTER TABLE … ADD COLUMN … REFERENCES`, which
//! both databases take for a nullable column (SQLite cannot add a foreign key any other
//! way without rebuilding the table).

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Opening {
    Table,
    Id,
    Owner,
    Title,
    Company,
    Description,
    Location,
    Url,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Batch {
    Table,
    Id,
    Owner,
    OpeningId,
    FileType,
    Priority,
    Fresh,
    CreatedAt,
}

#[derive(DeriveIden)]
enum CandidateJob {
    Table,
    OpeningId,
}

#[derive(DeriveIden)]
enum ResumeGenerationJob {
    Table,
    BatchId,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let opening = Table::create()
            .table(Opening::Table)
            .col(ColumnDef::new(Opening::Id).big_integer().not_null().auto_increment().primary_key())
            .col(ColumnDef::new(Opening::Owner).string_len(255).not_null())
            .col(ColumnDef::new(Opening::Title).text().not_null())
            .col(ColumnDef::new(Opening::Company).text().not_null())
            .col(ColumnDef::new(Opening::Description).text().not_null())
            .col(ColumnDef::new(Opening::Location).text().not_null())
            .col(ColumnDef::new(Opening::Url).text().null())
            .col(ColumnDef::new(Opening::CreatedAt).timestamp_with_time_zone().not_null())
            .to_owned();
        manager.create_table(opening).await?;
        let by_owner = Index::create().name("idx_opening_owner").table(Opening::Table).col(Opening::Owner).to_owned();
        manager.create_index(by_owner).await?;

        let batch = Table::create()
            .table(Batch::Table)
            .col(ColumnDef::new(Batch::Id).string_len(36).not_null().primary_key())
            .col(ColumnDef::new(Batch::Owner).string_len(255).not_null())
            .col(ColumnDef::new(Batch::OpeningId).big_integer().null())
            .col(ColumnDef::new(Batch::FileType).string_len(16).not_null())
            .col(ColumnDef::new(Batch::Priority).string_len(16).not_null())
            .col(ColumnDef::new(Batch::Fresh).boolean().not_null())
            .col(ColumnDef::new(Batch::CreatedAt).timestamp_with_time_zone().not_null())
            .foreign_key(
                ForeignKey::create()
                    .from(Batch::Table, Batch::OpeningId)
                    .to(Opening::Table, Opening::Id)
                    .on_delete(ForeignKeyAction::SetNull),
            )
            .to_owned();
        manager.create_table(batch).await?;
        let by_owner = Index::create().name("idx_batch_owner").table(Batch::Table).col(Batch::Owner).to_owned();
        manager.create_index(by_owner).await?;
        let by_opening =
            Index::create().name("idx_batch_opening_id").table(Batch::Table).col(Batch::OpeningId).to_owned();
        manager.create_index(by_opening).await?;

        let db = manager.get_connection();
        db.execute_unprepared(
            "ALTER TABLE candidate_job ADD COLUMN opening_id BIGINT NULL REFERENCES opening (id) ON DELETE SET NULL",
        )
        .await?;
        db.execute_unprepared(
            "ALTER TABLE resume_generation_job ADD COLUMN batch_id VARCHAR(36) NULL \
             REFERENCES batch (id) ON DELETE SET NULL",
        )
        .await?;
        let targets = Index::create()
            .name("idx_candidate_job_opening_id")
            .table(CandidateJob::Table)
            .col(CandidateJob::OpeningId)
            .to_owned();
        manager.create_index(targets).await?;
        let items = Index::create()
            .name("idx_resume_job_batch_id")
            .table(ResumeGenerationJob::Table)
            .col(ResumeGenerationJob::BatchId)
            .to_owned();
        manager.create_index(items).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (name, table) in [
            ("idx_resume_job_batch_id", ResumeGenerationJob::Table.into_iden()),
            ("idx_candidate_job_opening_id", CandidateJob::Table.into_iden()),
        ] {
            manager.drop_index(Index::drop().name(name).table(table).to_owned()).await?;
        }
        let jobs =
            Table::alter().table(ResumeGenerationJob::Table).drop_column(ResumeGenerationJob::BatchId).to_owned();
        manager.alter_table(jobs).await?;
        let targets = Table::alter().table(CandidateJob::Table).drop_column(CandidateJob::OpeningId).to_owned();
        manager.alter_table(targets).await?;
        manager.drop_table(Table::drop().table(Batch::Table).to_owned()).await?;
        manager.drop_table(Table::drop().table(Opening::Table).to_owned()).await
    }
}
