//! The `resume_generation_job` table: one row per submitted resume, keyed by task id.

use resume_proto::{
    job::{Document, FileType, JobKind, JobStatus, Priority},
    redis::Queue,
};
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "resume_generation_job")]
pub struct Model {
    /// The task id, a UUIDv7 (so ids sort by creation time).
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub owner: String,
    /// The candidate it is made for; for an import, the one made from its draft (none
    /// until it is accepted).
    pub candidate_id: Option<i64>,
    pub job_row_id: Option<i64>,
    /// How it may change: `core::lifecycle`.
    pub status: JobStatus,
    pub progress: i32,
    pub file_type: FileType,
    pub priority: Priority,
    pub filename: Option<String>,
    pub error_message: Option<String>,
    pub cache_hit: bool,
    pub attempts: i32,
    pub created_at: DateTimeUtc,
    pub started_at: Option<DateTimeUtc>,
    pub completed_at: Option<DateTimeUtc>,
    pub prompt_tokens: i32,
    pub completion_tokens: i32,
    pub generation_ms: i64,
    /// The job whose edited content this one renders (it makes no model call).
    pub edited_from: Option<String>,
    /// The worker that claimed it last.
    pub worker: Option<String>,
    /// How many times an operator ran it again; its tasks carry it.
    pub run: i32,
    /// What it does.
    pub kind: JobKind,
    /// The batch it was submitted in.
    pub batch_id: Option<String>,
    /// What it makes: a resume or a cover letter.
    pub document: Document,
    /// Its file leaves out the candidate's name, contact line and links.
    pub anonymize: bool,
    /// It was asked for past every cache (`fresh`): so is every run of it.
    pub fresh: bool,
    /// The model that made its content (`offline` for the offline generator); none when
    /// no model ran for it (a cache hit, a render, a job not yet run or older than the
    /// column).
    pub model: Option<String>,
    /// Of `prompt_tokens`, those the provider read from its prompt cache.
    pub cached_tokens: i32,
}

impl Model {
    /// What the job does. A server a migration behind (during a rolling upgrade) inserts
    /// a render without a kind (the column's default, `generate`), so a job that renders an
    /// edit is a render whatever its column says: an edit is never generated anew.
    pub fn does(&self) -> JobKind {
        if self.edited_from.is_some() { JobKind::Render } else { self.kind }
    }

    /// The candidate a resume job is made for; an import not yet accepted has none, which
    /// for any other kind is corrupt data.
    pub fn candidate(&self) -> Result<i64, crate::error::Error> {
        self.candidate_id.ok_or_else(|| crate::error::Error::Corrupt(format!("job {} has no candidate", self.id)))
    }

    /// The queue the job's tasks go to.
    pub fn queue(&self) -> Queue {
        Queue::of(self.priority)
    }
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_edit_is_a_render_whatever_its_kind_column_says() {
        let mut row = crate::db::testing::job("j");
        assert_eq!(row.does(), JobKind::Generate);
        row.edited_from = Some("e".into());
        assert_eq!(row.does(), JobKind::Render, "a render an older server stored as generate");
    }
}
