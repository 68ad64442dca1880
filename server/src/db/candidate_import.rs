//! The `candidate_import` table: what an import job reads and what it read, beside its row
//! in `resume_generation_job` (kind `import`), gone with it.

use resume_proto::job::ImportFormat;
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "candidate_import")]
pub struct Model {
    /// The import's job id.
    #[sea_orm(primary_key, auto_increment = false)]
    pub job_id: String,
    /// The uploaded file's name; `None` for pasted text.
    pub filename: Option<String>,
    pub content_type: String,
    /// The uploaded file's size.
    pub size: i64,
    pub format: ImportFormat,
    /// The uploaded bytes, until the draft is accepted or the import is deleted (or
    /// retention removes it).
    pub source: Option<Vec<u8>>,
    /// The draft and its warnings, an encoded `resume.v1.ImportDraft`, once read.
    pub draft: Option<Vec<u8>>,
    /// When the owner created a candidate from the draft (the job's `candidate_id`).
    pub accepted_at: Option<DateTimeUtc>,
}

/// An import as the API shows it: every column but the uploaded bytes (up to
/// `IMPORT_MAX_BYTES` each, read only by the claim that hands them to a worker), so that
/// a list, a poll or a watcher's read does not carry the files.
#[derive(Clone, Debug, PartialEq, DerivePartialModel)]
#[sea_orm(entity = "Entity")]
pub struct Shown {
    pub job_id: String,
    pub filename: Option<String>,
    pub content_type: String,
    pub size: i64,
    pub format: ImportFormat,
    pub draft: Option<Vec<u8>>,
    pub accepted_at: Option<DateTimeUtc>,
}

impl From<Model> for Shown {
    fn from(model: Model) -> Shown {
        let Model { job_id, filename, content_type, size, format, source: _, draft, accepted_at } = model;
        Shown { job_id, filename, content_type, size, format, draft, accepted_at }
    }
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
