//! Documents stored once, by content: `resume_document` holds each distinct file under its
//! SHA-256 (hex), and `resume_file` becomes the reference from a successful job to its
//! document, so that a thousand cache hits on one resume keep one copy of its bytes. The
//! existing files are moved over, a page at a time; the server deletes a document when it
//! deletes the last job that references it.

use sea_orm_migration::{
    prelude::*,
    sea_orm::{ConnectionTrait, prelude::DateTimeUtc},
};
use sha2::{Digest, Sha256};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum ResumeGenerationJob {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum ResumeFile {
    Table,
    JobId,
    ContentType,
    Size,
    Content,
    DocumentHash,
    CreatedAt,
}

/// The references while they are built, renamed to `resume_file` at the end.
#[derive(DeriveIden)]
enum ResumeFileRef {
    Table,
}

#[derive(DeriveIden)]
enum ResumeDocument {
    Table,
    Hash,
    ContentType,
    Size,
    Content,
    CreatedAt,
}

/// Old files moved per round trip.
const PAGE: u64 = 100;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    /// On SQLite too (its DDL is transactional): the move is all or nothing, and every
    /// statement runs on one connection (on several, one that had not seen the old table
    /// dropped refused the rename: "there is already another table … resume_file").
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let documents = Table::create()
            .table(ResumeDocument::Table)
            .col(ColumnDef::new(ResumeDocument::Hash).string_len(64).not_null().primary_key())
            .col(ColumnDef::new(ResumeDocument::ContentType).string().not_null())
            .col(ColumnDef::new(ResumeDocument::Size).big_integer().not_null())
            .col(ColumnDef::new(ResumeDocument::Content).blob().not_null())
            .col(ColumnDef::new(ResumeDocument::CreatedAt).timestamp_with_time_zone().not_null())
            .to_owned();
        manager.create_table(documents).await?;
        manager.create_table(references(ResumeFileRef::Table.into_iden())).await?;
        move_files(manager).await?;
        manager.drop_table(Table::drop().table(ResumeFile::Table).to_owned()).await?;
        manager.rename_table(Table::rename().table(ResumeFileRef::Table, ResumeFile::Table).to_owned()).await?;
        let index = Index::create()
            .name("resume_file_by_document")
            .table(ResumeFile::Table)
            .col(ResumeFile::DocumentHash)
            .to_owned();
        manager.create_index(index).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // Each job gets its copy back.
        let files = Table::create()
            .table(ResumeFileRef::Table)
            .col(ColumnDef::new(ResumeFile::JobId).string_len(36).not_null().primary_key())
            .col(ColumnDef::new(ResumeFile::ContentType).string().not_null())
            .col(ColumnDef::new(ResumeFile::Size).big_integer().not_null())
            .col(ColumnDef::new(ResumeFile::Content).blob().not_null())
            .col(ColumnDef::new(ResumeFile::CreatedAt).timestamp_with_time_zone().not_null())
            .foreign_key(&mut job_cascade(ResumeFileRef::Table.into_iden()))
            .to_owned();
        manager.create_table(files).await?;
        let copy = Query::insert()
            .into_table(ResumeFileRef::Table)
            .columns([
                ResumeFile::JobId,
                ResumeFile::ContentType,
                ResumeFile::Size,
                ResumeFile::Content,
                ResumeFile::CreatedAt,
            ])
            .select_from(
                Query::select()
                    .column((ResumeFile::Table, ResumeFile::JobId))
                    .column((ResumeDocument::Table, ResumeDocument::ContentType))
                    .column((ResumeDocument::Table, ResumeDocument::Size))
                    .column((ResumeDocument::Table, ResumeDocument::Content))
                    .column((ResumeFile::Table, ResumeFile::CreatedAt))
                    .from(ResumeFile::Table)
                    .inner_join(
                        ResumeDocument::Table,
                        Expr::col((ResumeDocument::Table, ResumeDocument::Hash))
                            .equals((ResumeFile::Table, ResumeFile::DocumentHash)),
                    )
                    .to_owned(),
            )
            .map_err(|e| DbErr::Migration(e.to_string()))?
            .to_owned();
        manager.get_connection().execute(&copy).await?;
        manager.drop_table(Table::drop().table(ResumeFile::Table).to_owned()).await?;
        manager.drop_table(Table::drop().table(ResumeDocument::Table).to_owned()).await?;
        manager.rename_table(Table::rename().table(ResumeFileRef::Table, ResumeFile::Table).to_owned()).await
    }
}

/// The job → document references, as table `name`.
fn references(name: DynIden) -> TableCreateStatement {
    Table::create()
        .table(name.clone())
        .col(ColumnDef::new(ResumeFile::JobId).string_len(36).not_null().primary_key())
        .col(ColumnDef::new(ResumeFile::DocumentHash).string_len(64).not_null())
        .col(ColumnDef::new(ResumeFile::CreatedAt).timestamp_with_time_zone().not_null())
        .foreign_key(&mut job_cascade(name.clone()))
        .foreign_key(
            ForeignKey::create().from(name, ResumeFile::DocumentHash).to(ResumeDocument::Table, ResumeDocument::Hash),
        )
        .to_owned()
}

/// The row goes with its job.
fn job_cascade(table: DynIden) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from(table, ResumeFile::JobId)
        .to(ResumeGenerationJob::Table, ResumeGenerationJob::Id)
        .on_delete(ForeignKeyAction::Cascade)
        .to_owned()
}

/// Every old file becomes a reference to its document (made once per distinct file).
async fn move_files(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    let db = manager.get_connection();
    let mut after = String::new();
    loop {
        let page = Query::select()
            .columns([ResumeFile::JobId, ResumeFile::ContentType, ResumeFile::Content, ResumeFile::CreatedAt])
            .from(ResumeFile::Table)
            .and_where(Expr::col(ResumeFile::JobId).gt(after.as_str()))
            .order_by(ResumeFile::JobId, Order::Asc)
            .limit(PAGE)
            .to_owned();
        let rows = db.query_all(&page).await?;
        let Some(last) = rows.last() else { return Ok(()) };
        after = last.try_get("", "job_id")?;
        for row in rows {
            let job_id: String = row.try_get("", "job_id")?;
            let content_type: String = row.try_get("", "content_type")?;
            let content: Vec<u8> = row.try_get("", "content")?;
            let created_at: Value = row.try_get::<DateTimeUtc>("", "created_at")?.into();
            let hash: String = Sha256::digest(&content).iter().map(|b| format!("{b:02x}")).collect();
            let document = Query::insert()
                .into_table(ResumeDocument::Table)
                .columns([
                    ResumeDocument::Hash,
                    ResumeDocument::ContentType,
                    ResumeDocument::Size,
                    ResumeDocument::Content,
                    ResumeDocument::CreatedAt,
                ])
                .values_panic([
                    Expr::val(hash.clone()),
                    Expr::val(content_type),
                    Expr::val(content.len() as i64),
                    Expr::val(content),
                    Expr::val(created_at.clone()),
                ])
                .on_conflict(OnConflict::column(ResumeDocument::Hash).do_nothing().to_owned())
                .to_owned();
            db.execute(&document).await?;
            let reference = Query::insert()
                .into_table(ResumeFileRef::Table)
                .columns([ResumeFile::JobId, ResumeFile::DocumentHash, ResumeFile::CreatedAt])
                .values_panic([Expr::val(job_id), Expr::val(hash), Expr::val(created_at)])
                .to_owned();
            db.execute(&reference).await?;
        }
    }
}
