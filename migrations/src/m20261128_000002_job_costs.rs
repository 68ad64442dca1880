//! Per-job model cost: tokens read and written, and how long generation took.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum ResumeGenerationJob {
    Table,
    PromptTokens,
    CompletionTokens,
    GenerationMs,
}

fn counter(col: ResumeGenerationJob, big: bool) -> ColumnDef {
    let mut def = ColumnDef::new(col);
    if big {
        def.big_integer()
    } else {
        def.integer()
    };
    def.not_null().default(0).to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // SQLite adds one column per ALTER TABLE.
        for (col, big) in [
            (ResumeGenerationJob::PromptTokens, false),
            (ResumeGenerationJob::CompletionTokens, false),
            (ResumeGenerationJob::GenerationMs, true),
        ] {
            manager
                .alter_table(Table::alter().table(ResumeGenerationJob::Table).add_column(counter(col, big)).to_owned())
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for col in [
            ResumeGenerationJob::PromptTokens,
            ResumeGenerationJob::CompletionTokens,
            ResumeGenerationJob::GenerationMs,
        ] {
            manager.alter_table(Table::alter().table(ResumeGenerationJob::Table).drop_column(col).to_owned()).await?;
        }
        Ok(())
    }
}
