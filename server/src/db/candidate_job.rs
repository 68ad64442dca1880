//! The `candidate_job` table: the jobs a candidate targets.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "candidate_job")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub candidate_id: i64,
    pub owner: String,
    pub title: String,
    pub company: Option<String>,
    pub description: String,
    pub created_at: DateTimeUtc,
    /// The opening whose text this copies (kept in step when the opening is edited).
    pub opening_id: Option<i64>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
