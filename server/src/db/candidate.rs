//! The `candidate` table: a candidate's own data, owned by the user who created it.

use sea_orm::{FromQueryResult, QuerySelect, entity::prelude::*};

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "candidate")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The `sub` of the user who created it; nobody else sees it.
    pub owner: String,
    pub full_name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub location: Option<String>,
    pub headline: Option<String>,
    pub summary: Option<String>,
    /// Links, skills, experience, education and certifications as JSON.
    pub profile: String,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

/// A candidate as the API reads it by key: with its owner's budget override (`user_budget`,
/// none without one), read by the same query. A submission checks both, and a subquery by
/// primary key costs next to nothing where a second query costs a round trip.
#[derive(Clone, Debug, PartialEq, FromQueryResult)]
pub struct WithBudget {
    #[sea_orm(nested)]
    pub candidate: Model,
    pub owner_budget_usd: Option<f64>,
}

/// Candidates `ids` (those that exist), each with its owner's budget override.
pub async fn with_budget(db: &DatabaseConnection, ids: Vec<i64>) -> Result<Vec<WithBudget>, DbErr> {
    Entity::find()
        .filter(Column::Id.is_in(ids))
        .column_as(
            Expr::cust(
                r#"(SELECT "monthly_budget_usd" FROM "user_budget" WHERE "user_budget"."owner" = "candidate"."owner")"#,
            ),
            "owner_budget_usd",
        )
        .into_model::<WithBudget>()
        .all(db)
        .await
}
