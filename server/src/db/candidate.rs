//! The `candidate` table: a candidate's own data, owned by the user who created it.

use sea_orm::entity::prelude::*;

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
