//! Grouped reads of rows by primary key: the lookups waiting at one moment share one
//! `WHERE id IN (…)` query.
//!
//! Every query costs a fixed toll beyond its own work (with SQLite, two hand-offs to and
//! from the connection's thread; with Postgres, a round trip), which under load dwarfs
//! reading one row by key. One reader task per kind of row takes every lookup queued
//! since its last query; while a query runs, the next group gathers. A lookup with no
//! other waiting is read at once in its caller's task ([`super::alone`]), with no timer,
//! and a lookup always sees every write that finished before it was made.

use std::{
    collections::HashMap,
    future::Future,
    hash::Hash,
    sync::{Arc, atomic::AtomicUsize},
};

use futures::{FutureExt, future::BoxFuture};
use sea_orm::{ColumnTrait, DatabaseConnection, DbErr, EntityTrait, Iterable, PrimaryKeyToColumn, QueryFilter, Value};
use tokio::sync::{mpsc, oneshot};

use super::alone::Caller;

/// The most keys one query carries.
const MAX_GROUP: usize = 256;

type Answer<V> = oneshot::Sender<Result<Option<V>, DbErr>>;

/// Reads the rows of some keys.
type Fetch<K, V> = Arc<dyn Fn(Vec<K>) -> BoxFuture<'static, Result<Vec<V>, DbErr>> + Send + Sync>;

/// The handle lookups go through; cheap to share.
pub struct GroupRead<K, V> {
    queue: mpsc::Sender<(K, Answer<V>)>,
    /// For a lookup made alone, in its caller's task.
    fetch: Fetch<K, V>,
    key_of: fn(&V) -> K,
    /// Lookups not yet answered.
    callers: Arc<AtomicUsize>,
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
        F: Fn(Vec<K>) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<Vec<V>, DbErr>> + Send + 'static,
    {
        let fetch: Fetch<K, V> = Arc::new(move |keys| fetch(keys).boxed());
        let (queue, mut lookups) = mpsc::channel::<(K, Answer<V>)>(MAX_GROUP * 4);
        let reader = fetch.clone();
        tokio::spawn(async move {
            let mut group = Vec::with_capacity(MAX_GROUP);
            while lookups.recv_many(&mut group, MAX_GROUP).await > 0 {
                let keys: Vec<K> = group.iter().map(|(key, _)| key.clone()).collect();
                match reader(keys).await {
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
        GroupRead { queue, fetch, key_of, callers: Arc::default() }
    }

    /// The row with primary key `key`, if there is one.
    pub async fn get(&self, key: K) -> Result<Option<V>, DbErr> {
        let caller = Caller::enter(&self.callers);
        if caller.alone {
            let rows = (self.fetch)(vec![key.clone()]).await?;
            return Ok(rows.into_iter().find(|row| (self.key_of)(row) == key));
        }
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
    use std::sync::atomic::Ordering;

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

    /// A lookup made alone is read in its caller's task: it is answered while the reader
    /// task is held by a group whose callers have gone (before, it queued behind them).
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_lookup_alone_does_not_wait_for_the_reader_task() {
        let (gate, entered) = (Arc::new(tokio::sync::Notify::new()), Arc::new(AtomicUsize::new(0)));
        let reader = Arc::new(GroupRead::start(
            {
                let (gate, entered) = (gate.clone(), entered.clone());
                move |keys: Vec<String>| {
                    let (gate, entered) = (gate.clone(), entered.clone());
                    async move {
                        if keys.iter().any(|key| key.starts_with("held")) {
                            entered.fetch_add(1, Ordering::SeqCst);
                            gate.notified().await;
                        }
                        Ok(keys)
                    }
                }
            },
            String::clone,
        ));
        let hold = |key: &'static str| {
            let reader = reader.clone();
            tokio::spawn(async move { reader.get(key.to_owned()).await })
        };
        // Until `readers` fetches hold a key.
        let begun = |readers: usize| {
            let entered = entered.clone();
            let begun = async move {
                while entered.load(Ordering::SeqCst) < readers {
                    tokio::task::yield_now().await;
                }
            };
            tokio::time::timeout(std::time::Duration::from_secs(30), begun)
        };
        // The first is alone (read in its own task), the second waits in the reader task.
        let first = hold("held-1");
        begun(1).await.expect("the first lookup reads");
        let second = hold("held-2");
        begun(2).await.expect("the reader task reads the second");
        for held in [first, second] {
            held.abort();
            assert!(held.await.unwrap_err().is_cancelled());
        }
        let alone = tokio::time::timeout(std::time::Duration::from_secs(30), reader.get("free".to_owned()));
        assert_eq!(alone.await.expect("answered while the reader task is held").unwrap().as_deref(), Some("free"));
        gate.notify_waiters();
    }
}
