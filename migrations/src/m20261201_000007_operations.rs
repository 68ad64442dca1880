//! What operators do and see: jobs indexed by when they ended (the console's history),
//! `run` on a job (how many times an operator ran it again; a
//! task of an earlier run is dropped at its claim, so a retried job never runs twice), the
//! error group of each timeline error (so jobs are searched by group), jobs indexed by
//! status and id (a status filter pages by key like the unfiltered list), the audit log of
//! every operator action, and the paused queues (the database is their truth, Redis their
//! copy: a pause survives restarts of anything).

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum ResumeGenerationJob {
    Table,
    Id,
    Status,
    CompletedAt,
    Run,
}

#[derive(DeriveIden)]
enum JobEvent {
    Table,
    JobId,
    ErrorGroup,
}

#[derive(DeriveIden)]
enum AuditEntry {
    Table,
    Id,
    At,
    User,
    Action,
    Target,
    Matched,
    Changed,
}

#[derive(DeriveIden)]
enum LostWorker {
    Table,
    Id,
    WorkerId,
    LostAt,
    Host,
    Concurrency,
    Processed,
    Failed,
    LastHeartbeat,
    HeldJobIds,
}

#[derive(DeriveIden)]
enum PausedQueue {
    Table,
    Name,
    PausedAt,
    PausedBy,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use ResumeGenerationJob as J;
        let run = ColumnDef::new(J::Run).integer().not_null().default(0).to_owned();
        manager.alter_table(Table::alter().table(J::Table).add_column(run).to_owned()).await?;
        // (status, id) serves what (status) did and pages a status filter by key.
        manager.drop_index(Index::drop().name("idx_rgj_status").table(J::Table).to_owned()).await?;
        let by_status = Index::create().name("idx_rgj_status_id").table(J::Table).col(J::Status).col(J::Id).to_owned();
        manager.create_index(by_status).await?;
        // Only ended jobs: a new job's row (not ended) costs this index nothing.
        let by_end = Index::create()
            .name("idx_rgj_completed_at")
            .table(J::Table)
            .col(J::CompletedAt)
            .and_where(Expr::col(J::CompletedAt).is_not_null())
            .to_owned();
        manager.create_index(by_end).await?;

        let group = ColumnDef::new(JobEvent::ErrorGroup).string_len(16).null().to_owned();
        manager.alter_table(Table::alter().table(JobEvent::Table).add_column(group).to_owned()).await?;
        let by_group = Index::create()
            .name("job_event_by_error_group")
            .table(JobEvent::Table)
            .col(JobEvent::ErrorGroup)
            .col(JobEvent::JobId)
            .and_where(Expr::col(JobEvent::ErrorGroup).is_not_null())
            .to_owned();
        manager.create_index(by_group).await?;

        let audit = Table::create()
            .table(AuditEntry::Table)
            .col(ColumnDef::new(AuditEntry::Id).big_integer().not_null().auto_increment().primary_key())
            .col(ColumnDef::new(AuditEntry::At).timestamp_with_time_zone().not_null())
            .col(ColumnDef::new(AuditEntry::User).string().not_null())
            .col(ColumnDef::new(AuditEntry::Action).string_len(32).not_null())
            .col(ColumnDef::new(AuditEntry::Target).text().not_null())
            .col(ColumnDef::new(AuditEntry::Matched).big_integer().not_null())
            .col(ColumnDef::new(AuditEntry::Changed).big_integer().not_null())
            .to_owned();
        manager.create_table(audit).await?;

        let paused = Table::create()
            .table(PausedQueue::Table)
            .col(ColumnDef::new(PausedQueue::Name).string_len(32).not_null().primary_key())
            .col(ColumnDef::new(PausedQueue::PausedAt).timestamp_with_time_zone().not_null())
            .col(ColumnDef::new(PausedQueue::PausedBy).string().not_null())
            .to_owned();
        manager.create_table(paused).await?;

        let lost = Table::create()
            .table(LostWorker::Table)
            .col(ColumnDef::new(LostWorker::Id).big_integer().not_null().auto_increment().primary_key())
            .col(ColumnDef::new(LostWorker::WorkerId).string().not_null())
            .col(ColumnDef::new(LostWorker::LostAt).timestamp_with_time_zone().not_null())
            .col(ColumnDef::new(LostWorker::Host).string().not_null())
            .col(ColumnDef::new(LostWorker::Concurrency).integer().not_null())
            .col(ColumnDef::new(LostWorker::Processed).big_integer().not_null())
            .col(ColumnDef::new(LostWorker::Failed).big_integer().not_null())
            .col(ColumnDef::new(LostWorker::LastHeartbeat).timestamp_with_time_zone().null())
            .col(ColumnDef::new(LostWorker::HeldJobIds).text().not_null())
            .to_owned();
        manager.create_table(lost).await?;
        let by_time =
            Index::create().name("lost_worker_by_time").table(LostWorker::Table).col(LostWorker::LostAt).to_owned();
        manager.create_index(by_time).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use ResumeGenerationJob as J;
        manager.drop_table(Table::drop().table(LostWorker::Table).to_owned()).await?;
        manager.drop_table(Table::drop().table(PausedQueue::Table).to_owned()).await?;
        manager.drop_table(Table::drop().table(AuditEntry::Table).to_owned()).await?;
        manager.drop_index(Index::drop().name("job_event_by_error_group").table(JobEvent::Table).to_owned()).await?;
        manager.alter_table(Table::alter().table(JobEvent::Table).drop_column(JobEvent::ErrorGroup).to_owned()).await?;
        manager.drop_index(Index::drop().name("idx_rgj_completed_at").table(J::Table).to_owned()).await?;
        manager.drop_index(Index::drop().name("idx_rgj_status_id").table(J::Table).to_owned()).await?;
        manager.create_index(Index::create().name("idx_rgj_status").table(J::Table).col(J::Status).to_owned()).await?;
        manager.alter_table(Table::alter().table(J::Table).drop_column(J::Run).to_owned()).await
    }
}
