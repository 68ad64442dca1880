//! What jobs cost (issue 24, "What it costs"): each job records the model that ran it and,
//! of its prompt tokens, those the provider read from its prompt cache; a batch keeps the
//! estimate it was accepted with; an admin may give a user a monthly budget of their own
//! (`user_budget`, in place of `USER_MONTHLY_BUDGET_USD`). A user's spend is read by owner
//! and completion time, so those two are indexed together.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum ResumeGenerationJob {
    Table,
    Owner,
    CompletedAt,
    Model,
    CachedTokens,
}

#[derive(DeriveIden)]
enum Batch {
    Table,
    EstimatedCostUsd,
}

#[derive(DeriveIden)]
enum UserBudget {
    Table,
    Owner,
    MonthlyBudgetUsd,
    UpdatedAt,
    UpdatedBy,
}

const SPEND_INDEX: &str = "idx_rgj_owner_completed_at";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // SQLite adds one column per ALTER TABLE.
        for column in [
            ColumnDef::new(ResumeGenerationJob::Model).string_len(255).null().to_owned(),
            ColumnDef::new(ResumeGenerationJob::CachedTokens).integer().not_null().default(0).to_owned(),
        ] {
            let alter = Table::alter().table(ResumeGenerationJob::Table).add_column(column).to_owned();
            manager.alter_table(alter).await?;
        }
        let estimate = ColumnDef::new(Batch::EstimatedCostUsd).double().null().to_owned();
        manager.alter_table(Table::alter().table(Batch::Table).add_column(estimate).to_owned()).await?;
        let budgets = Table::create()
            .table(UserBudget::Table)
            .col(ColumnDef::new(UserBudget::Owner).string_len(255).not_null().primary_key())
            .col(ColumnDef::new(UserBudget::MonthlyBudgetUsd).double().not_null())
            .col(ColumnDef::new(UserBudget::UpdatedAt).timestamp_with_time_zone().not_null())
            .col(ColumnDef::new(UserBudget::UpdatedBy).string_len(255).not_null())
            .to_owned();
        manager.create_table(budgets).await?;
        let spend = Index::create()
            .name(SPEND_INDEX)
            .table(ResumeGenerationJob::Table)
            .col(ResumeGenerationJob::Owner)
            .col(ResumeGenerationJob::CompletedAt)
            .to_owned();
        manager.create_index(spend).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_index(Index::drop().name(SPEND_INDEX).table(ResumeGenerationJob::Table).to_owned()).await?;
        manager.drop_table(Table::drop().table(UserBudget::Table).to_owned()).await?;
        manager.alter_table(Table::alter().table(Batch::Table).drop_column(Batch::EstimatedCostUsd).to_owned()).await?;
        for column in [ResumeGenerationJob::CachedTokens, ResumeGenerationJob::Model] {
            manager
                .alter_table(Table::alter().table(ResumeGenerationJob::Table).drop_column(column).to_owned())
                .await?;
        }
        Ok(())
    }
}
