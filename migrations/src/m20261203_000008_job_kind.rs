//! A job's kind as a column: `generate` (a resume made from a candidate's data) or
//! `render` (an edited content rendered again), where before it was inferred from
//! `edited_from`. Imports and batch items are kinds to come.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum ResumeGenerationJob {
    Table,
    Kind,
    EditedFrom,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use ResumeGenerationJob as J;
        let kind = ColumnDef::new(J::Kind).string_len(16).not_null().default("generate").to_owned();
        manager.alter_table(Table::alter().table(J::Table).add_column(kind).to_owned()).await?;
        let renders = Query::update()
            .table(J::Table)
            .value(J::Kind, "render")
            .and_where(Expr::col(J::EditedFrom).is_not_null())
            .to_owned();
        manager.exec_stmt(renders).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use ResumeGenerationJob as J;
        manager.alter_table(Table::alter().table(J::Table).drop_column(J::Kind).to_owned()).await
    }
}
