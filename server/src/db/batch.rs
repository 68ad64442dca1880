//! The `batch` table: one submission of many resume jobs. Its items are the jobs that name
//! it (`resume_generation_job.batch_id`); their counts are read from them, never stored.

use resume_proto::job::{FileType, Priority};
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "batch")]
pub struct Model {
    /// A UUIDv7 (so ids sort by creation time).
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub owner: String,
    /// The opening it was submitted for (none for explicit pairs, or once deleted).
    pub opening_id: Option<i64>,
    /// What every item makes, as submitted.
    pub file_type: FileType,
    pub priority: Priority,
    pub fresh: bool,
    pub created_at: DateTimeUtc,
    /// What it was estimated to cost when accepted (its items the caches did not answer,
    /// at the owner's recent average per resume); none when nothing was known to average.
    pub estimated_cost_usd: Option<f64>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
