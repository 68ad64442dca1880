//! The `resume_content` table: what a job's document is rendered from, an encoded
//! `resume.v1.ResumeContent`, under the content cache key of the data it was made from.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "resume_content")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub job_id: String,
    pub content: Vec<u8>,
    /// The content cache key it was made for; `None` for an edited content.
    pub content_key: Option<String>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
