//! The `lost_worker` table: each worker found lost (its heartbeat expired), when, what it
//! last said of itself and the jobs of the tasks it held (they went back to their queues).
//! The console shows a lost worker for an hour.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "lost_worker")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub worker_id: String,
    pub lost_at: DateTimeUtc,
    pub host: String,
    pub concurrency: i32,
    pub processed: i64,
    pub failed: i64,
    pub last_heartbeat: Option<DateTimeUtc>,
    /// Job ids, comma-separated.
    pub held_job_ids: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
