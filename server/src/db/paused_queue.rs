//! The `paused_queue` table: the queues workers take nothing from, and who paused each
//! when. The truth of a pause (Redis holds a copy the workers read).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "paused_queue")]
pub struct Model {
    /// `priority_high` or `resume_generation`.
    #[sea_orm(primary_key, auto_increment = false)]
    pub name: String,
    pub paused_at: DateTimeUtc,
    pub paused_by: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
