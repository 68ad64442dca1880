//! Group commit of new job rows: the submissions waiting at one moment share one
//! multi-row INSERT (one SQLite write lock, one Postgres commit and fsync), and each
//! submission is answered only once its own row is committed.
//!
//! One writer task per server takes every row queued since its last write; while a
//! write runs, the next group gathers. An idle server writes a lone row at once (no
//! timer, no added latency). If a group's INSERT fails, its rows are retried one by one
//! so that one bad row cannot fail its neighbours.

use sea_orm::{DatabaseConnection, DbErr, EntityTrait, IntoActiveModel};
use tokio::sync::{mpsc, oneshot};

use super::resume_job;

/// The most rows one INSERT carries (19 columns each: far below either database's limit
/// on bound parameters).
const MAX_GROUP: usize = 256;

/// A row waiting for the writer, and where its outcome goes.
struct Pending {
    row: resume_job::Model,
    done: oneshot::Sender<Result<(), DbErr>>,
}

/// The handle submissions insert through; cheap to share.
pub struct GroupInsert {
    queue: mpsc::Sender<Pending>,
}

impl GroupInsert {
    /// Starts the writer task over `db`; it stops when the handle is dropped.
    pub fn start(db: DatabaseConnection) -> GroupInsert {
        let (queue, rows) = mpsc::channel(MAX_GROUP * 4);
        tokio::spawn(write_groups(db, rows));
        GroupInsert { queue }
    }

    /// Inserts `row`; returns once it is committed.
    pub async fn insert(&self, row: resume_job::Model) -> Result<(), DbErr> {
        let stopped = || DbErr::Custom("the job writer has stopped".into());
        let (done, outcome) = oneshot::channel();
        self.queue.send(Pending { row, done }).await.map_err(|_| stopped())?;
        outcome.await.map_err(|_| stopped())?
    }
}

async fn write_groups(db: DatabaseConnection, mut rows: mpsc::Receiver<Pending>) {
    let mut group = Vec::with_capacity(MAX_GROUP);
    while rows.recv_many(&mut group, MAX_GROUP).await > 0 {
        write(&db, std::mem::take(&mut group)).await;
    }
}

async fn write(db: &DatabaseConnection, group: Vec<Pending>) {
    if group.len() > 1 {
        let rows = group.iter().map(|p| p.row.clone().into_active_model());
        match resume_job::Entity::insert_many(rows).exec_without_returning(db).await {
            Ok(_) => {
                for pending in group {
                    let _ = pending.done.send(Ok(()));
                }
                return;
            }
            Err(error) => tracing::warn!(%error, rows = group.len(), "group insert failed; inserting one by one"),
        }
    }
    for Pending { row, done } in group {
        let outcome = resume_job::Entity::insert(row.into_active_model()).exec_without_returning(db).await.map(|_| ());
        let _ = done.send(outcome);
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use sea_orm::{EntityTrait, PaginatorTrait};

    use super::*;
    use crate::db::testing::{job, temp_db};

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn concurrent_inserts_all_land_and_a_bad_row_fails_alone() {
        let temp = temp_db().await;
        let inserts = Arc::new(GroupInsert::start(temp.db.clone()));
        inserts.insert(job("taken")).await.expect("first insert");
        // 50 at once (grouped), one of them a duplicate key.
        let mut handles = Vec::new();
        for n in 0..50 {
            let inserts = inserts.clone();
            let id = if n == 25 { "taken".to_owned() } else { format!("job-{n}") };
            handles.push(tokio::spawn(async move { inserts.insert(job(&id)).await }));
        }
        let mut failed = 0;
        for handle in handles {
            failed += usize::from(handle.await.unwrap().is_err());
        }
        assert_eq!(failed, 1, "only the duplicate fails");
        assert_eq!(resume_job::Entity::find().count(&temp.db).await.unwrap(), 50);
    }
}
