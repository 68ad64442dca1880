//! A job's download path is no longer stored: the server derives it when it shapes a Job
//! for a client (it is the edge's route, not data).

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum ResumeGenerationJob {
    Table,
    ResultUrl,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let drop =
            Table::alter().table(ResumeGenerationJob::Table).drop_column(ResumeGenerationJob::ResultUrl).to_owned();
        manager.alter_table(drop).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let column = ColumnDef::new(ResumeGenerationJob::ResultUrl).string().null().to_owned();
        manager.alter_table(Table::alter().table(ResumeGenerationJob::Table).add_column(column).to_owned()).await
    }
}
