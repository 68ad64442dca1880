//! The `audit_entry` table: one row per operator action (who, what, when, on what, and how
//! many jobs it covered and changed), never updated.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "audit_entry")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub at: DateTimeUtc,
    /// The acting user's id.
    pub user: String,
    /// `retry`, `cancel`, `bulk_retry`, `bulk_cancel`, `pause` or `resume`.
    pub action: String,
    /// A job id, a queue name, or a bulk action's filter (`key=value&…`).
    pub target: String,
    pub matched: i64,
    pub changed: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
