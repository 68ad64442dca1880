//! A finished job's content (what its document was rendered from: the model's wording over
//! the candidate's facts), kept beside its file as an encoded `resume.v1.ResumeContent`, and
//! gone with its job, under the content cache key it was made for (none for an edit), so
//! that the same data within CONTENT_REUSE_DAYS is rendered without a model call; and
//! `edited_from` on a job that only renders an edited content.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum ResumeGenerationJob {
    Table,
    Id,
    EditedFrom,
}

#[derive(DeriveIden)]
enum ResumeContent {
    Table,
    JobId,
    Content,
    ContentKey,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let table = Table::create()
            .table(ResumeContent::Table)
            .col(ColumnDef::new(ResumeContent::JobId).string_len(36).not_null().primary_key())
            .col(ColumnDef::new(ResumeContent::Content).blob().not_null())
            .col(ColumnDef::new(ResumeContent::ContentKey).string_len(64).null())
            .col(ColumnDef::new(ResumeContent::CreatedAt).timestamp_with_time_zone().not_null())
            .foreign_key(
                ForeignKey::create()
                    .from(ResumeContent::Table, ResumeContent::JobId)
                    .to(ResumeGenerationJob::Table, ResumeGenerationJob::Id)
                    .on_delete(ForeignKeyAction::Cascade),
            )
            .to_owned();
        manager.create_table(table).await?;
        let index = Index::create()
            .name("resume_content_by_key")
            .table(ResumeContent::Table)
            .col(ResumeContent::ContentKey)
            .col(ResumeContent::CreatedAt)
            .to_owned();
        manager.create_index(index).await?;
        let column = ColumnDef::new(ResumeGenerationJob::EditedFrom).string_len(36).null().to_owned();
        manager.alter_table(Table::alter().table(ResumeGenerationJob::Table).add_column(column).to_owned()).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let drop =
            Table::alter().table(ResumeGenerationJob::Table).drop_column(ResumeGenerationJob::EditedFrom).to_owned();
        manager.alter_table(drop).await?;
        manager.drop_table(Table::drop().table(ResumeContent::Table).to_owned()).await
    }
}
