//! The job timeline: `job_event`, one append-only row per thing that happened to a job
//! after it was submitted (answered from the cache, queued, claimed, retry scheduled, succeeded,
//! failed, cancelled, queued again after Redis lost its data), written in the transaction of
//! the transition it records and gone with its job; a failure's or retry's error class and
//! normalised message (ids, numbers and times stripped), which group errors; and `worker`
//! on a job, the worker that claimed it last.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum ResumeGenerationJob {
    Table,
    Id,
    Worker,
}

#[derive(DeriveIden)]
enum JobEvent {
    Table,
    Id,
    JobId,
    At,
    Kind,
    Worker,
    Attempt,
    Detail,
    ErrorClass,
    ErrorKey,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let table = Table::create()
            .table(JobEvent::Table)
            .col(ColumnDef::new(JobEvent::Id).big_integer().not_null().auto_increment().primary_key())
            .col(ColumnDef::new(JobEvent::JobId).string_len(36).not_null())
            .col(ColumnDef::new(JobEvent::At).timestamp_with_time_zone().not_null())
            .col(ColumnDef::new(JobEvent::Kind).string_len(32).not_null())
            .col(ColumnDef::new(JobEvent::Worker).string().null())
            .col(ColumnDef::new(JobEvent::Attempt).integer().null())
            .col(ColumnDef::new(JobEvent::Detail).text().null())
            .col(ColumnDef::new(JobEvent::ErrorClass).string_len(64).null())
            .col(ColumnDef::new(JobEvent::ErrorKey).text().null())
            .foreign_key(
                ForeignKey::create()
                    .from(JobEvent::Table, JobEvent::JobId)
                    .to(ResumeGenerationJob::Table, ResumeGenerationJob::Id)
                    .on_delete(ForeignKeyAction::Cascade),
            )
            .to_owned();
        manager.create_table(table).await?;
        let index = Index::create()
            .name("job_event_by_job")
            .table(JobEvent::Table)
            .col(JobEvent::JobId)
            .col(JobEvent::Id)
            .to_owned();
        manager.create_index(index).await?;
        // Error groups are read over a window of time; only errors are indexed for them, so
        // the other entries (most of them) cost no second index.
        let index = Index::create()
            .name("job_event_errors_by_time")
            .table(JobEvent::Table)
            .col(JobEvent::At)
            .and_where(Expr::col(JobEvent::ErrorClass).is_not_null())
            .to_owned();
        manager.create_index(index).await?;
        let column = ColumnDef::new(ResumeGenerationJob::Worker).string().null().to_owned();
        manager.alter_table(Table::alter().table(ResumeGenerationJob::Table).add_column(column).to_owned()).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let drop = Table::alter().table(ResumeGenerationJob::Table).drop_column(ResumeGenerationJob::Worker).to_owned();
        manager.alter_table(drop).await?;
        manager.drop_table(Table::drop().table(JobEvent::Table).to_owned()).await
    }
}
