//! The job indexes that most rows have nothing in made partial: a batch's items by batch
//! (most jobs are in no batch) and each owner's spend by when jobs ended (a job not ended
//! has spent nothing). Every query of theirs names a batch or a time, so it implies the
//! condition and the partial index serves it as the whole one did; a row version of a job
//! not yet ended no longer adds a spend entry, nor a batch entry unless it is in a batch.
//!
//! Each partial index is built under a name of its own before the whole one is dropped, so
//! that on PostgreSQL reads of the table wait only for the drops at the end, not for the
//! builds (writes wait for the builds, as for every index built here); in one transaction
//! on both databases (SQLite's schema changes are transactional too), so that a crash
//! halfway leaves the step to run again whole.

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

/// The indexes by batch and by spend, whole (migrations 11 and 12) or partial (this one),
/// by name.
fn indexes(partial: bool) -> [(&'static str, IndexCreateStatement); 2] {
    use ResumeGenerationJob as J;
    let (batch, spend) = match partial {
        true => ("idx_rgj_batch_items", "idx_rgj_owner_spend"),
        false => ("idx_resume_job_batch_id", "idx_rgj_owner_completed_at"),
    };
    let mut by_batch = Index::create().name(batch).table(J::Table).col(J::BatchId).to_owned();
    let mut by_spend = Index::create().name(spend).table(J::Table).col(J::Owner).col(J::CompletedAt).to_owned();
    if partial {
        by_batch.and_where(Expr::col(J::BatchId).is_not_null());
        by_spend.and_where(Expr::col(J::CompletedAt).is_not_null());
    }
    [(batch, by_batch), (spend, by_spend)]
}

/// Builds the indexes `partial` says, then drops the others.
async fn replace(manager: &SchemaManager<'_>, partial: bool) -> Result<(), DbErr> {
    for (_, index) in indexes(partial) {
        manager.create_index(index).await?;
    }
    for (name, _) in indexes(!partial) {
        manager.drop_index(Index::drop().name(name).table(ResumeGenerationJob::Table).to_owned()).await?;
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

    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }
}
