//! The `user_budget` table: the users an admin gave a monthly budget of their own, in place
//! of `USER_MONTHLY_BUDGET_USD`, and who did so when.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "user_budget")]
pub struct Model {
    /// The user's id (the JWT `sub`).
    #[sea_orm(primary_key, auto_increment = false)]
    pub owner: String,
    /// USD per calendar month (UTC); 0 is no budget.
    pub monthly_budget_usd: f64,
    pub updated_at: DateTimeUtc,
    /// The admin who set it.
    pub updated_by: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
