//! The `opening` table: a recruiter's postings, each written once and targeted by many
//! candidates (their target jobs copy its text, `candidate_job.opening_id`).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "opening")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// Whose it is; nobody else sees it.
    pub owner: String,
    pub title: String,
    pub company: String,
    pub description: String,
    pub location: String,
    /// Where the posting is published, when it is.
    pub url: Option<String>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
