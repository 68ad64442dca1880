//! What a job makes, as two columns of the job row: `document` (`resume`, or a
//! `cover_letter`) and `anonymize` (no name, contact line or links in the file). Both have
//! defaults, so every job before them is a plain resume, and a server a migration behind
//! (during a rolling upgrade) still inserts rows. SQLite adds one column per statement.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum ResumeGenerationJob {
    Table,
    Document,
    Anonymize,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use ResumeGenerationJob as J;
        let document = ColumnDef::new(J::Document).string_len(16).not_null().default("resume").to_owned();
        manager.alter_table(Table::alter().table(J::Table).add_column(document).to_owned()).await?;
        let anonymize = ColumnDef::new(J::Anonymize).boolean().not_null().default(false).to_owned();
        manager.alter_table(Table::alter().table(J::Table).add_column(anonymize).to_owned()).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use ResumeGenerationJob as J;
        manager.alter_table(Table::alter().table(J::Table).drop_column(J::Anonymize).to_owned()).await?;
        manager.alter_table(Table::alter().table(J::Table).drop_column(J::Document).to_owned()).await
    }
}
