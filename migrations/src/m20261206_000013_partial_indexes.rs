//! The job indexes that most rows have nothing in made partial: a batch's items by batch
//! (most jobs are in no batch) and each owner's spend by when jobs ended (a job not ended
//! has spent nothing). Every query of theirs names a batch or a time, so it implies the
//! condition and the partial index serves it as the whole one did; a new job's row, and
//! every move of a job not yet ended, no longer adds an entry to either.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum ResumeGenerationJob {
    Table,
    Owner,
    CompletedAt,
    BatchId,
}

const BATCH_INDEX: &str = "idx_resume_job_batch_id";
const SPEND_INDEX: &str = "idx_rgj_owner_completed_at";

/// The two indexes, partial or whole, by name.
fn indexes(partial: bool) -> [(&'static str, IndexCreateStatement); 2] {
    use ResumeGenerationJob as J;
    let mut by_batch = Index::create().name(BATCH_INDEX).table(J::Table).col(J::BatchId).to_owned();
    let mut spend = Index::create().name(SPEND_INDEX).table(J::Table).col(J::Owner).col(J::CompletedAt).to_owned();
    if partial {
        by_batch.and_where(Expr::col(J::BatchId).is_not_null());
        spend.and_where(Expr::col(J::CompletedAt).is_not_null());
    }
    [(BATCH_INDEX, by_batch), (SPEND_INDEX, spend)]
}

async fn replace(manager: &SchemaManager<'_>, partial: bool) -> Result<(), DbErr> {
    for (name, index) in indexes(partial) {
        manager.drop_index(Index::drop().name(name).table(ResumeGenerationJob::Table).to_owned()).await?;
        manager.create_index(index).await?;
    }
    Ok(())
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        replace(manager, true).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        replace(manager, false).await
    }
}
