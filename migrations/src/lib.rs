//! The database schema, as sea-orm migrations that run unchanged on Postgres and SQLite.
//!
//! The server applies pending migrations at start ([`Migrator::up`]). One file per
//! migration: `DeriveMigrationName` names each after its file.

pub use sea_orm_migration::prelude::*;

mod m20261128_000001_create_tables;
mod m20261128_000002_job_costs;
mod m20261201_000003_no_result_url;
mod m20261201_000004_resume_content;
mod m20261201_000005_documents;
mod m20261201_000006_job_events;
mod m20261201_000007_operations;
mod m20261203_000008_job_kind;
mod m20261203_000009_imports;
mod m20261204_000010_documents_kind;
mod m20261204_000011_openings_batches;
mod m20261204_000012_costs;
mod m20261206_000013_partial_indexes;
mod m20261206_000014_job_fresh;

/// Every migration, oldest first.
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261128_000001_create_tables::Migration),
            Box::new(m20261128_000002_job_costs::Migration),
            Box::new(m20261201_000003_no_result_url::Migration),
            Box::new(m20261201_000004_resume_content::Migration),
            Box::new(m20261201_000005_documents::Migration),
            Box::new(m20261201_000006_job_events::Migration),
            Box::new(m20261201_000007_operations::Migration),
            Box::new(m20261203_000008_job_kind::Migration),
            Box::new(m20261203_000009_imports::Migration),
            Box::new(m20261204_000010_documents_kind::Migration),
            Box::new(m20261204_000011_openings_batches::Migration),
            Box::new(m20261204_000012_costs::Migration),
            Box::new(m20261206_000013_partial_indexes::Migration),
            Box::new(m20261206_000014_job_fresh::Migration),
        ]
    }
}
