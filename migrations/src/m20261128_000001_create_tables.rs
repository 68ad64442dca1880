//! The first schema: candidates, their target jobs, generation jobs and the files made.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Candidate {
    Table,
    Id,
    Owner,
    FullName,
    Email,
    Phone,
    Location,
    Headline,
    Summary,
    /// Links, skills, experience, education and certifications as one JSON document.
    Profile,
    CreatedAt,
}

#[derive(DeriveIden)]
enum CandidateJob {
    Table,
    Id,
    CandidateId,
    Owner,
    Title,
    Company,
    Description,
    CreatedAt,
}

#[derive(DeriveIden)]
enum ResumeGenerationJob {
    Table,
    Id,
    Owner,
    CandidateId,
    JobRowId,
    Status,
    Progress,
    FileType,
    Priority,
    ResultUrl,
    Filename,
    ErrorMessage,
    CacheHit,
    Attempts,
    CreatedAt,
    StartedAt,
    CompletedAt,
}

#[derive(DeriveIden)]
enum ResumeFile {
    Table,
    JobId,
    ContentType,
    Size,
    Content,
    CreatedAt,
}

fn timestamp(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col).timestamp_with_time_zone().not_null().to_owned()
}

fn big_id(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col).big_integer().not_null().auto_increment().primary_key().to_owned()
}

fn text(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col).text().not_null().to_owned()
}

fn nullable_text(col: impl IntoIden) -> ColumnDef {
    ColumnDef::new(col).text().null().to_owned()
}

fn index(name: &str, table: impl IntoIden, cols: &[ResumeGenerationJob]) -> IndexCreateStatement {
    let mut stmt = Index::create();
    stmt.name(name).table(table);
    for col in cols {
        stmt.col(col.to_string());
    }
    stmt.to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Candidate::Table)
                    .col(big_id(Candidate::Id))
                    .col(ColumnDef::new(Candidate::Owner).string_len(255).not_null())
                    .col(text(Candidate::FullName))
                    .col(nullable_text(Candidate::Email))
                    .col(nullable_text(Candidate::Phone))
                    .col(nullable_text(Candidate::Location))
                    .col(nullable_text(Candidate::Headline))
                    .col(nullable_text(Candidate::Summary))
                    .col(text(Candidate::Profile))
                    .col(timestamp(Candidate::CreatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_candidate_owner_id")
                    .table(Candidate::Table)
                    .col(Candidate::Owner)
                    .col(Candidate::Id)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(CandidateJob::Table)
                    .col(big_id(CandidateJob::Id))
                    .col(ColumnDef::new(CandidateJob::CandidateId).big_integer().not_null())
                    .col(ColumnDef::new(CandidateJob::Owner).string_len(255).not_null())
                    .col(text(CandidateJob::Title))
                    .col(nullable_text(CandidateJob::Company))
                    .col(text(CandidateJob::Description))
                    .col(timestamp(CandidateJob::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(CandidateJob::Table, CandidateJob::CandidateId)
                            .to(Candidate::Table, Candidate::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_candidate_job_candidate_id")
                    .table(CandidateJob::Table)
                    .col(CandidateJob::CandidateId)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(ResumeGenerationJob::Table)
                    .col(ColumnDef::new(ResumeGenerationJob::Id).string_len(36).not_null().primary_key())
                    .col(ColumnDef::new(ResumeGenerationJob::Owner).string_len(255).not_null())
                    .col(ColumnDef::new(ResumeGenerationJob::CandidateId).big_integer().not_null())
                    .col(ColumnDef::new(ResumeGenerationJob::JobRowId).big_integer().null())
                    .col(ColumnDef::new(ResumeGenerationJob::Status).string_len(16).not_null())
                    .col(ColumnDef::new(ResumeGenerationJob::Progress).integer().not_null())
                    .col(ColumnDef::new(ResumeGenerationJob::FileType).string_len(8).not_null())
                    .col(ColumnDef::new(ResumeGenerationJob::Priority).string_len(8).not_null())
                    .col(nullable_text(ResumeGenerationJob::ResultUrl))
                    .col(nullable_text(ResumeGenerationJob::Filename))
                    .col(nullable_text(ResumeGenerationJob::ErrorMessage))
                    .col(ColumnDef::new(ResumeGenerationJob::CacheHit).boolean().not_null())
                    .col(ColumnDef::new(ResumeGenerationJob::Attempts).integer().not_null())
                    .col(timestamp(ResumeGenerationJob::CreatedAt))
                    .col(ColumnDef::new(ResumeGenerationJob::StartedAt).timestamp_with_time_zone().null())
                    .col(ColumnDef::new(ResumeGenerationJob::CompletedAt).timestamp_with_time_zone().null())
                    .foreign_key(
                        ForeignKey::create()
                            .from(ResumeGenerationJob::Table, ResumeGenerationJob::CandidateId)
                            .to(Candidate::Table, Candidate::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(ResumeGenerationJob::Table, ResumeGenerationJob::JobRowId)
                            .to(CandidateJob::Table, CandidateJob::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .to_owned(),
            )
            .await?;
        use ResumeGenerationJob as J;
        for (name, cols) in [
            ("idx_rgj_candidate_id", &[J::CandidateId][..]),
            ("idx_rgj_job_row_id", &[J::JobRowId][..]),
            ("idx_rgj_status", &[J::Status][..]),
            ("idx_rgj_created_at", &[J::CreatedAt][..]),
            ("idx_rgj_owner_id", &[J::Owner, J::Id][..]),
        ] {
            manager.create_index(index(name, J::Table, cols)).await?;
        }

        manager
            .create_table(
                Table::create()
                    .table(ResumeFile::Table)
                    .col(ColumnDef::new(ResumeFile::JobId).string_len(36).not_null().primary_key())
                    .col(text(ResumeFile::ContentType))
                    .col(ColumnDef::new(ResumeFile::Size).big_integer().not_null())
                    .col(ColumnDef::new(ResumeFile::Content).blob().not_null())
                    .col(timestamp(ResumeFile::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(ResumeFile::Table, ResumeFile::JobId)
                            .to(ResumeGenerationJob::Table, ResumeGenerationJob::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            ResumeFile::Table.into_iden(),
            ResumeGenerationJob::Table.into_iden(),
            CandidateJob::Table.into_iden(),
            Candidate::Table.into_iden(),
        ] {
            manager.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}
