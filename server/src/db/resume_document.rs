//! The `resume_document` table: each distinct finished document once, under the SHA-256 of
//! its bytes, shared by every job that returned it (through `resume_file`).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "resume_document")]
pub struct Model {
    /// Hex SHA-256 of `content` (`resume_proto::redis::cache::sha256_hex`).
    #[sea_orm(primary_key, auto_increment = false)]
    pub hash: String,
    pub content_type: String,
    pub size: i64,
    pub content: Vec<u8>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
