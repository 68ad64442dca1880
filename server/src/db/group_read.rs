//! Grouped reads of rows by primary key: the lookups waiting at one moment share one
//! `WHERE id IN (…)` query.
//!
//! Every query costs a fixed toll beyond its own work (with SQLite, two hand-offs to and
//! from the connection's thread; with Postgres, a round trip), which under load dwarfs
//! reading one row by key. One reader task per kind of row takes every lookup queued
//! since its last query; while a query runs, the next group gathers. An idle server
//! reads a lone row at once, with no timer, and a lookup always sees every write that
//! finished before it was made.

use std::{collections::HashMap, future::Future, hash::Hash};

use sea_orm::{ColumnTrait, DatabaseConnection, DbErr, EntityTrait, Iterable, PrimaryKeyToColumn, QueryFilter, Value};
use tokio::sync::{mpsc, oneshot};

/// The most keys one query carries.
const MAX_GROUP: usize = 256;

type Answer<V> = oneshot::Sender<Result<Option<V>, DbErr>>;

/// The handle lookups go through; cheap to share.
pub struct GroupRead<K, V> {
    queue: mpsc::Sender<(K, Answer<V>)>,
}

impl<K, V> GroupRead<K, V>
where
    K: Eq + Hash + Clone + Send + 'static,
    V: Clone + Send + 'static,
{
    /// Starts the reader task: `fetch` reads the rows of some keys (in any order, absent
    /// ones left out), `key_of` names a row's key. The task stops with the handle.
    pub fn start<F, Fut>(fetch: F, key_of: fn(&V) -> K) -> GroupRead<K, V>
    where
        F: Fn(Vec<K>) -> Fut + Send + 'static,
        Fut: Future<Output = Result<Vec<V>, DbErr>> + Send,
    {
        let (queue, mut lookups) = mpsc::channel::<(K, Answer<V>)>(MAX_GROUP * 4);
        tokio::spawn(async move {
            let mut group = Vec::with_capacity(MAX_GROUP);
            while lookups.recv_many(&mut group, MAX_GROUP).await > 0 {
                let keys: Vec<K> = group.iter().map(|(key, _)| key.clone()).collect();
                match fetch(keys).await {
                    Ok(rows) => {
                        let rows: HashMap<K, V> = rows.into_iter().map(|row| (key_of(&row), row)).collect();
                        for (key, answer) in group.drain(..) {
                            let _ = answer.send(Ok(rows.get(&key).cloned()));
                        }
                    }
                    Err(error) => {
                        for (_, answer) in group.drain(..) {
                            let _ = answer.send(Err(error.clone()));
                        }
                    }
                }
            }
        });
        GroupRead { queue }
    }

    /// The row with primary key `key`, if there is one.
    pub async fn get(&self, key: K) -> Result<Option<V>, DbErr> {
        let stopped = || DbErr::Custom("the row reader has stopped".into());
        let (answer, row) = oneshot::channel();
        self.queue.send((key, answer)).await.map_err(|_| stopped())?;
        row.await.map_err(|_| stopped())?
    }
}

/// Grouped reads of entity `E` by its (single-column) primary key.
pub fn by_primary_key<E, K>(db: &DatabaseConnection, key_of: fn(&E::Model) -> K) -> GroupRead<K, E::Model>
where
    E: EntityTrait,
    E::Model: Clone + Send,
    K: Eq + Hash + Clone + Send + Into<Value> + 'static,
{
    let db = db.clone();
    GroupRead::start(
        move |keys| {
            let db = db.clone();
            async move {
                let column = E::PrimaryKey::iter().next().expect("every entity has a primary key").into_column();
                E::find().filter(column.is_in(keys)).all(&db).await
            }
        },
        key_of,
    )
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::db::{
        resume_job,
        testing::{job, temp_db},
        writer::{Kept, Writer},
    };

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn concurrent_lookups_each_get_their_own_row_or_none() {
        let temp = temp_db().await;
        let writer = Writer::start(temp.db.clone());
        for n in 0..20 {
            writer.insert(job(&format!("job-{n}")), Kept::default()).await.unwrap();
        }
        let jobs = Arc::new(by_primary_key::<resume_job::Entity, _>(&temp.db, |row| row.id.clone()));
        let mut handles = Vec::new();
        // Present, absent and repeated keys, all at once.
        for n in (0..30).chain(0..5) {
            let jobs = jobs.clone();
            handles.push(tokio::spawn(async move { (n, jobs.get(format!("job-{n}")).await.unwrap()) }));
        }
        for handle in handles {
            let (n, row) = handle.await.unwrap();
            match row {
                Some(row) => assert!(n < 20 && row.id == format!("job-{n}"), "{n}: {}", row.id),
                None => assert!(n >= 20, "job-{n} exists"),
            }
        }
    }
}
