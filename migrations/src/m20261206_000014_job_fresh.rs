//! Whether a job was asked for `fresh` (past every cache), as a column of the job row, so
//! that a run again (an operator's retry, a batch's retry of its failed items) is fresh
//! too: it was known only to the first run's task. The default keeps every job before it,
//! and a server a migration behind, as not fresh.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum ResumeGenerationJob {
    Table,
    Fresh,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use ResumeGenerationJob as J;
        let fresh = ColumnDef::new(J::Fresh).boolean().not_null().default(false).to_owned();
        manager.alter_table(Table::alter().table(J::Table).add_column(fresh).to_owned()).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use ResumeGenerationJob as J;
        manager.alter_table(Table::alter().table(J::Table).drop_column(J::Fresh).to_owned()).await
    }
}
