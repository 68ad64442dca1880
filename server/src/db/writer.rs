//! Group commit of the job path's writes: new jobs (with their result when the cache
//! answers them at submit, their content when they render an edit, their file when they
//! import one) and every
//! transition (claim, progress, completion with its file, failure, cancel), each with the
//! timeline entries it records, in its own transaction. The writes
//! waiting at one moment share one transaction (one SQLite write lock, one Postgres
//! commit), the new rows one multi-row INSERT; each caller is answered once its own write
//! is committed.
//!
//! One writer task per server takes every write queued since its last commit; while a
//! group runs, the next gathers. An idle server writes a lone write at once (no timer, no
//! added latency); on PostgreSQL a caller with no other write waiting writes its
//! one-statement write in its own task, without the hop to the writer task and back
//! ([`super::alone`]; measured with the grouped reads' same change in the README). If a
//! group fails, its writes are retried one by one, so that one bad write cannot fail its
//! neighbours. On PostgreSQL a durable write is one statement rather
//! than a transaction of a round trip per table ([`one_statement`]), and a group of up to
//! [`MAX_SIDE_BY_SIDE`] of them (what gathers at low load) is written side by side, each
//! statement on a connection of its own, rather than as one transaction: at worker
//! concurrency 2, 7 % more jobs a second (3 rounds in turns); at high load the groups are
//! larger and share a transaction as before. (Running several groups at once was measured
//! and left out: on this 2-core machine a commit costs CPU more than a wait for the disk,
//! and smaller groups meant more of them — submissions while workers drain 15–20 % slower.)
//!
//! A group of [`Durability::Relaxed`] writes only (a running job's progress) is committed
//! on PostgreSQL without waiting for its WAL to reach the disk (`synchronous_commit` off for
//! that transaction): the next durable commit flushes it with its own, and a database crash
//! in between loses at most a progress value that the job's next report or its end
//! supersedes. Any other write in the group makes the whole group durable.

use std::{
    collections::BTreeMap,
    sync::{Arc, atomic::AtomicUsize},
};

use resume_proto::{job::ErrorClass, redis::cache::sha256_hex};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbBackend, DbErr, EntityTrait,
    IntoActiveModel, QueryFilter, QueryTrait, Set, Statement, TransactionTrait, UpdateMany,
    sea_query::{PostgresQueryBuilder, Query},
};
use tokio::sync::{mpsc, oneshot};

use super::{
    alone::Caller, candidate_import, errors, job_event, resume_content, resume_document, resume_file, resume_job,
};

/// The most writes one transaction carries (a new row's 27 columns each: far below either
/// database's limit on bound parameters).
const MAX_GROUP: usize = 256;

/// The most durable writes written side by side, each its own statement, on PostgreSQL;
/// a larger group is one transaction.
const MAX_SIDE_BY_SIDE: usize = 4;

/// A finished document, keyed by its SHA-256.
#[derive(Clone, Debug)]
pub struct Document {
    pub hash: String,
    pub content_type: String,
    pub bytes: Vec<u8>,
}

impl Document {
    pub fn new(content_type: String, bytes: Vec<u8>) -> Document {
        Document { hash: sha256_hex(&bytes), content_type, bytes }
    }
}

/// A content (an encoded `resume.v1.ResumeContent`) and the content cache key it was made
/// for (none for an edit).
#[derive(Clone, Debug)]
pub struct Content {
    pub encoded: Vec<u8>,
    pub key: Option<String>,
}

/// An entry of a job's timeline as a write records it; its job, time and attempt are the
/// row's that the write makes or moves.
#[derive(Clone, Debug)]
pub struct Event {
    pub kind: job_event::Kind,
    pub worker: Option<String>,
    pub detail: Option<String>,
    /// A failure's class and normalised message.
    pub error: Option<(ErrorClass, String)>,
}

impl Event {
    pub fn new(kind: job_event::Kind) -> Event {
        Event { kind, worker: None, detail: None, error: None }
    }

    pub fn detail(self, detail: impl Into<String>) -> Event {
        Event { detail: Some(detail.into()), ..self }
    }

    pub fn worker(self, worker: &str) -> Event {
        Event { worker: Some(worker.to_owned()), ..self }
    }

    /// Of a failure of `class` whose message, normalised, is `key`.
    pub fn error(self, class: ErrorClass, key: String) -> Event {
        Event { error: Some((class, key)), ..self }
    }
}

/// What a job keeps with the write that makes or moves it: its timeline's new entries, its
/// document (stored once however many jobs return it) and the content it was rendered from.
#[derive(Clone, Debug, Default)]
pub struct Kept {
    pub events: Vec<Event>,
    pub document: Option<Document>,
    pub content: Option<Content>,
    /// A new import's file, stored with its job.
    pub import: Option<candidate_import::Model>,
    /// An import's draft (an encoded `resume.v1.ImportDraft`), stored with its completion.
    pub draft: Option<Vec<u8>>,
}

impl Kept {
    /// Only `events`.
    pub fn events(events: impl IntoIterator<Item = Event>) -> Kept {
        Kept { events: events.into_iter().collect(), ..Kept::default() }
    }
}

/// Whether a write must be on disk before its caller is answered.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Durability {
    /// On disk first: every write that records a fact (a job, a move of its status, its
    /// timeline, its result).
    Durable,
    /// May be lost to a database crash just after it is answered: a value that a later
    /// write supersedes (a running job's progress).
    Relaxed,
}

enum Write {
    /// A new job row, and what it keeps.
    Insert(Box<resume_job::Model>, Kept),
    /// A conditional UPDATE of job rows, what each row it moves keeps, and how it is
    /// committed.
    Update(Box<UpdateMany<resume_job::Entity>>, Kept, Durability),
}

impl Write {
    fn durability(&self) -> Durability {
        match self {
            Write::Insert(..) => Durability::Durable,
            Write::Update(_, _, durability) => *durability,
        }
    }
}

/// How a group of `writes` is committed: relaxed only when every one of them may be.
fn group_durability(writes: &[&Write]) -> Durability {
    if writes.iter().all(|write| write.durability() == Durability::Relaxed) {
        Durability::Relaxed
    } else {
        Durability::Durable
    }
}

/// A write waiting for the writer, and where its outcome goes: the rows an update moved.
struct Pending {
    write: Write,
    done: oneshot::Sender<Result<Vec<resume_job::Model>, DbErr>>,
}

/// The handle the job path writes through; cheap to share.
pub struct Writer {
    queue: mpsc::Sender<Pending>,
    /// On PostgreSQL, the database a lone write is written to from its caller's task.
    inline: Option<DatabaseConnection>,
    /// Callers whose write is not yet answered.
    callers: Arc<AtomicUsize>,
}

impl Writer {
    /// Starts the writer task over `db`; it stops when the handle is dropped.
    pub fn start(db: DatabaseConnection) -> Writer {
        let (queue, writes) = mpsc::channel(MAX_GROUP * 4);
        let inline = (db.get_database_backend() == DbBackend::Postgres).then(|| db.clone());
        tokio::spawn(write_groups(db, writes));
        Writer { queue, inline, callers: Arc::default() }
    }

    /// Inserts `row` with what it `keeps`; returns once it is committed.
    pub async fn insert(&self, row: resume_job::Model, keeps: Kept) -> Result<(), DbErr> {
        self.send(Write::Insert(Box::new(row), keeps)).await.map(drop)
    }

    /// Runs `update`, storing what `keeps` for each row it moves; the rows as they are
    /// after it, once committed as `durability` says (none when its condition matched
    /// nothing).
    pub async fn update(
        &self,
        update: UpdateMany<resume_job::Entity>,
        keeps: Kept,
        durability: Durability,
    ) -> Result<Vec<resume_job::Model>, DbErr> {
        self.send(Write::Update(Box::new(update), keeps, durability)).await
    }

    async fn send(&self, write: Write) -> Result<Vec<resume_job::Model>, DbErr> {
        let callers = Caller::enter(&self.callers);
        if callers.alone
            && let Some(db) = &self.inline
            && let Some(statement) = one_statement(&write)
        {
            return run(db, &write, statement).await;
        }
        let stopped = || DbErr::Custom("the job writer has stopped".into());
        let (done, outcome) = oneshot::channel();
        self.queue.send(Pending { write, done }).await.map_err(|_| stopped())?;
        outcome.await.map_err(|_| stopped())?
    }
}

/// Runs a write's one statement: an update's moved rows, an insert's none.
async fn run(db: &DatabaseConnection, write: &Write, statement: Statement) -> Result<Vec<resume_job::Model>, DbErr> {
    match write {
        Write::Update(..) => resume_job::Entity::find().from_raw_sql(statement).all(db).await,
        Write::Insert(..) => db.execute_raw(statement).await.map(|_| Vec::new()),
    }
}

async fn write_groups(db: DatabaseConnection, mut writes: mpsc::Receiver<Pending>) {
    let mut group = Vec::with_capacity(MAX_GROUP);
    while writes.recv_many(&mut group, MAX_GROUP).await > 0 {
        write(&db, std::mem::take(&mut group)).await;
    }
}

async fn write(db: &DatabaseConnection, group: Vec<Pending>) {
    // A few durable writes (what gathers at low load) on PostgreSQL: each its own statement,
    // all at once; a transaction of theirs was a round trip per table, one after the other.
    if db.get_database_backend() == DbBackend::Postgres
        && group.len() <= MAX_SIDE_BY_SIDE
        && let Some(statements) = group.iter().map(|pending| one_statement(&pending.write)).collect::<Option<Vec<_>>>()
    {
        // Each caller is answered as soon as its own statement is committed, not once the
        // group's slowest is.
        let written = group.into_iter().zip(statements).map(|(Pending { write, done }, statement)| async move {
            let _ = done.send(run(db, &write, statement).await);
        });
        futures::future::join_all(written).await;
        return;
    }
    if group.len() > 1 {
        let writes: Vec<&Write> = group.iter().map(|p| &p.write).collect();
        match commit(db, &writes).await {
            Ok(moved) => {
                for (pending, rows) in group.into_iter().zip(moved) {
                    let _ = pending.done.send(Ok(rows));
                }
                return;
            }
            Err(error) => tracing::warn!(%error, writes = group.len(), "group write failed; writing one by one"),
        }
    }
    for Pending { write, done } in group {
        let _ = done.send(commit(db, &[&write]).await.map(|mut moved| moved.pop().unwrap_or_default()));
    }
}

/// Applies `writes` in one transaction: the new rows first (one INSERT), then the updates
/// in order, then what every new or moved row keeps. The rows each write moved.
async fn commit(db: &DatabaseConnection, writes: &[&Write]) -> Result<Vec<Vec<resume_job::Model>>, DbErr> {
    let txn = db.begin().await?;
    if group_durability(writes) == Durability::Relaxed && txn.get_database_backend() == DbBackend::Postgres {
        txn.execute_unprepared("SET LOCAL synchronous_commit TO OFF").await?;
    }
    let new_rows: Vec<_> = writes
        .iter()
        .filter_map(|write| match write {
            Write::Insert(row, _) => Some(resume_job::Model::clone(row).into_active_model()),
            Write::Update(..) => None,
        })
        .collect();
    if !new_rows.is_empty() {
        resume_job::Entity::insert_many(new_rows).exec_without_returning(&txn).await?;
    }
    let mut moved = Vec::with_capacity(writes.len());
    let mut kept = Vec::new();
    for write in writes {
        match write {
            Write::Insert(row, keeps) => {
                kept.push((row.id.clone(), row.attempts, keeps));
                moved.push(Vec::new());
            }
            Write::Update(update, keeps, _) => {
                let rows = UpdateMany::clone(update).exec_with_returning(&txn).await?;
                kept.extend(rows.iter().map(|row| (row.id.clone(), row.attempts, keeps)));
                moved.push(rows);
            }
        }
    }
    keep(&txn, &kept).await?;
    txn.commit().await?;
    Ok(moved)
}

/// On PostgreSQL, a lone durable write (most writes at low load, where there is little to
/// group: a submission, a claim, a completion, a failure, a cancel) as one statement
/// instead of a transaction of a round trip per table (BEGIN, the row, its timeline
/// entries, its document, file reference and content, COMMIT): the row's INSERT or UPDATE
/// in a data-modifying `WITH … RETURNING`, what it keeps inserted for the rows it returns,
/// the rows selected (an update's whole rows, for its caller; an insert's id and attempts
/// only, which its entries need and nobody reads back). A statement is atomic as the
/// transaction was, and commits once.
/// `None` for a relaxed write and for one that keeps an import (written as before).
fn one_statement(write: &Write) -> Option<Statement> {
    let ((sql, mut values), keeps) = match write {
        Write::Insert(row, keeps) => {
            // What the kept rows below take from it: its caller has the row, so none of
            // it is sent back and decoded.
            let mut insert = resume_job::Entity::insert(resume_job::Model::clone(row).into_active_model()).into_query();
            insert.returning(Query::returning().columns([resume_job::Column::Id, resume_job::Column::Attempts]));
            (insert.build(PostgresQueryBuilder), keeps)
        }
        Write::Update(update, keeps, Durability::Durable) => {
            let mut update = UpdateMany::clone(update).into_query();
            update.returning_all();
            (update.build(PostgresQueryBuilder), keeps)
        }
        Write::Update(_, _, Durability::Relaxed) => return None,
    };
    let Kept { events, document, content, import: None, draft: None } = keeps else {
        return None;
    };
    // `$n` for each of `fields`, bound after the values so far.
    let mut bind = |fields: Vec<sea_orm::Value>| {
        let first = values.0.len();
        values.0.extend(fields);
        (first + 1..=values.0.len()).map(|n| format!("${n}")).collect::<Vec<_>>().join(", ")
    };
    let now = super::now();
    let mut parts = vec![format!("moved AS ({sql})")];
    if !events.is_empty() {
        let entries: Vec<String> = events
            .iter()
            .map(|event| {
                let error = event.error.as_ref();
                format!(
                    "({})",
                    bind(vec![
                        now.into(),
                        event.kind.as_str().into(),
                        event.worker.clone().into(),
                        event.detail.clone().into(),
                        error.map(|(class, _)| class.as_str().to_owned()).into(),
                        error.map(|(_, key)| key.clone()).into(),
                        error.map(|(class, key)| errors::group_id(class.as_str(), key)).into(),
                    ])
                )
            })
            .collect();
        parts.push(format!(
            "entries AS (INSERT INTO job_event (job_id, at, kind, worker, attempt, detail, error_class, error_key, \
             error_group) SELECT moved.id, e.at, e.kind, e.worker, CASE WHEN moved.attempts > 0 THEN moved.attempts END, \
             e.detail, e.error_class, e.error_key, e.error_group FROM moved CROSS JOIN (VALUES {}) AS e(at, kind, \
             worker, detail, error_class, error_key, error_group))",
            entries.join(", ")
        ));
    }
    if let Some(document) = document {
        let stored = bind(vec![
            document.hash.clone().into(),
            document.content_type.clone().into(),
            (document.bytes.len() as i64).into(),
            document.bytes.clone().into(),
            now.into(),
        ]);
        parts.push(format!(
            "document AS (INSERT INTO resume_document (hash, content_type, size, content, created_at) SELECT {stored} \
             WHERE EXISTS (SELECT 1 FROM moved) ON CONFLICT (hash) DO NOTHING)"
        ));
        let file = bind(vec![document.hash.clone().into(), now.into()]);
        parts.push(format!(
            "file AS (INSERT INTO resume_file (job_id, document_hash, created_at) SELECT moved.id, {file} FROM moved)"
        ));
    }
    if let Some(content) = content {
        let kept = bind(vec![content.encoded.clone().into(), content.key.clone().into(), now.into()]);
        parts.push(format!(
            "content AS (INSERT INTO resume_content (job_id, content, content_key, created_at) SELECT moved.id, {kept} \
             FROM moved)"
        ));
    }
    let sql = format!("WITH {} SELECT * FROM moved", parts.join(", "));
    Some(Statement::from_sql_and_values(DbBackend::Postgres, sql, values))
}

/// Inserts `rows`, each with what it keeps, in a caller's own transaction `txn`: new jobs
/// that must be committed with other rows or not at all (a batch's items with their batch).
pub async fn insert_in(txn: &DatabaseTransaction, rows: &[(resume_job::Model, Kept)]) -> Result<(), DbErr> {
    for group in rows.chunks(MAX_GROUP) {
        let new_rows = group.iter().map(|(row, _)| row.clone().into_active_model());
        resume_job::Entity::insert_many(new_rows).exec_without_returning(txn).await?;
        let kept: Vec<_> = group.iter().map(|(row, keeps)| (row.id.clone(), row.attempts, keeps)).collect();
        keep(txn, &kept).await?;
    }
    Ok(())
}

/// Stores each job's timeline entries, document reference and content, and each distinct
/// document once (one already stored is left as it is); `kept` names each job and its
/// attempts.
async fn keep(txn: &DatabaseTransaction, kept: &[(String, i32, &Kept)]) -> Result<(), DbErr> {
    let now = super::now();
    let events: Vec<_> = kept
        .iter()
        .flat_map(|(job_id, attempts, keeps)| {
            keeps.events.iter().map(move |event| job_event::ActiveModel {
                job_id: Set(job_id.clone()),
                at: Set(now),
                kind: Set(event.kind.as_str().to_owned()),
                worker: Set(event.worker.clone()),
                attempt: Set(Some(*attempts).filter(|a| *a > 0)),
                detail: Set(event.detail.clone()),
                error_class: Set(event.error.as_ref().map(|(class, _)| class.as_str().to_owned())),
                error_key: Set(event.error.as_ref().map(|(_, key)| key.clone())),
                error_group: Set(event.error.as_ref().map(|(class, key)| errors::group_id(class.as_str(), key))),
                ..Default::default()
            })
        })
        .collect();
    if !events.is_empty() {
        job_event::Entity::insert_many(events).exec_without_returning(txn).await?;
    }
    // Each distinct document once, in the order of its hash (see the module's doc).
    let by_hash: BTreeMap<&str, &Document> = kept
        .iter()
        .filter_map(|(_, _, keeps)| keeps.document.as_ref())
        .map(|document| (document.hash.as_str(), document))
        .collect();
    let documents: Vec<_> = by_hash
        .into_values()
        .map(|document| resume_document::ActiveModel {
            hash: Set(document.hash.clone()),
            content_type: Set(document.content_type.clone()),
            size: Set(document.bytes.len() as i64),
            content: Set(document.bytes.clone()),
            created_at: Set(now),
        })
        .collect();
    if !documents.is_empty() {
        resume_document::Entity::insert_many(documents)
            .on_conflict_do_nothing_on([resume_document::Column::Hash])
            .exec_without_returning(txn)
            .await?;
    }
    let files: Vec<_> = kept
        .iter()
        .filter_map(|(job_id, _, keeps)| {
            keeps.document.as_ref().map(|document| resume_file::ActiveModel {
                job_id: Set(job_id.clone()),
                document_hash: Set(document.hash.clone()),
                created_at: Set(now),
            })
        })
        .collect();
    if !files.is_empty() {
        resume_file::Entity::insert_many(files).exec_without_returning(txn).await?;
    }
    let contents: Vec<_> = kept
        .iter()
        .filter_map(|(job_id, _, keeps)| {
            keeps.content.as_ref().map(|content| resume_content::ActiveModel {
                job_id: Set(job_id.clone()),
                content: Set(content.encoded.clone()),
                content_key: Set(content.key.clone()),
                created_at: Set(now),
            })
        })
        .collect();
    if !contents.is_empty() {
        resume_content::Entity::insert_many(contents).exec_without_returning(txn).await?;
    }
    let imports: Vec<_> = kept
        .iter()
        .filter_map(|(_, _, keeps)| keeps.import.clone().map(candidate_import::Model::into_active_model))
        .collect();
    if !imports.is_empty() {
        candidate_import::Entity::insert_many(imports).exec_without_returning(txn).await?;
    }
    for (job_id, _, keeps) in kept {
        if let Some(draft) = &keeps.draft {
            candidate_import::Entity::update_many()
                .col_expr(candidate_import::Column::Draft, sea_orm::sea_query::Expr::value(draft.clone()))
                .filter(candidate_import::Column::JobId.eq(job_id.as_str()))
                .exec(txn)
                .await?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, sea_query::Expr};

    use super::*;
    use crate::db::testing::{job, temp_db, temp_postgres};

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn concurrent_inserts_all_land_and_a_bad_row_fails_alone() {
        let temp = temp_db().await;
        let writer = Arc::new(Writer::start(temp.db.clone()));
        writer.insert(job("taken"), Kept::default()).await.expect("first insert");
        // 50 at once (grouped), one of them a duplicate key.
        let mut handles = Vec::new();
        for n in 0..50 {
            let writer = writer.clone();
            let id = if n == 25 { "taken".to_owned() } else { format!("job-{n}") };
            handles.push(tokio::spawn(async move { writer.insert(job(&id), Kept::default()).await }));
        }
        let mut failed = 0;
        for handle in handles {
            failed += usize::from(handle.await.unwrap().is_err());
        }
        assert_eq!(failed, 1, "only the duplicate fails");
        assert_eq!(resume_job::Entity::find().count(&temp.db).await.unwrap(), 50);
    }

    /// Which writes go to PostgreSQL as one statement: a lone durable insert or update with
    /// its entries, document and content; not a relaxed one (its transaction sets
    /// `synchronous_commit`) nor one keeping an import's draft.
    #[test]
    fn lone_durable_writes_are_one_statement() {
        let sql = |write: Write| one_statement(&write).map(|statement| statement.sql);
        let events = Kept::events([Event::new(job_event::Kind::Claimed)]);
        let insert = sql(Write::Insert(Box::new(job("j")), events.clone())).expect("a submission");
        assert!(insert.starts_with("WITH moved AS (INSERT") && insert.contains("INSERT INTO job_event"), "{insert}");
        // Its caller has the row: only what its entries need comes back.
        assert!(insert.contains(r#"RETURNING "id", "attempts")"#), "{insert}");
        let done = Kept {
            document: Some(Document::new("application/pdf".into(), b"%PDF".to_vec())),
            content: Some(Content { encoded: vec![1], key: None }),
            ..events.clone()
        };
        let completion =
            sql(Write::Update(Box::new(progress("j", 100)), done, Durability::Durable)).expect("a completion");
        for table in ["job_event", "resume_document", "resume_file", "resume_content"] {
            assert!(completion.contains(&format!("INSERT INTO {table}")), "{table}: {completion}");
        }
        assert!(sql(Write::Update(Box::new(progress("j", 50)), events, Durability::Relaxed)).is_none());
        let draft = Kept { draft: Some(vec![1]), ..Kept::default() };
        assert!(sql(Write::Update(Box::new(progress("j", 100)), draft, Durability::Durable)).is_none());
    }

    /// What `job_id`'s progress update moves to `progress`.
    fn progress(job_id: &str, progress: i32) -> UpdateMany<resume_job::Entity> {
        resume_job::Entity::update_many()
            .col_expr(resume_job::Column::Progress, Expr::value(progress))
            .filter(resume_job::Column::Id.eq(job_id))
            .filter(resume_job::Column::Progress.lt(progress))
    }

    /// Only a group of relaxed writes alone skips the wait for the disk: a progress value
    /// grouped with a new job or a status move is as durable as they are.
    #[test]
    fn a_group_is_relaxed_only_when_every_write_is() {
        let update = |durability| Write::Update(Box::new(progress("j", 50)), Kept::default(), durability);
        let (relaxed, durable, insert) = (
            update(Durability::Relaxed),
            update(Durability::Durable),
            Write::Insert(Box::new(job("j")), Kept::default()),
        );
        assert_eq!(group_durability(&[&relaxed, &relaxed]), Durability::Relaxed);
        assert_eq!(group_durability(&[&relaxed, &durable]), Durability::Durable);
        assert_eq!(group_durability(&[&insert, &relaxed]), Durability::Durable);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn grouped_updates_answer_each_its_own_rows_and_one_document_serves_many_jobs() {
        let temp = temp_db().await;
        let writer = Arc::new(Writer::start(temp.db.clone()));
        for n in 0..40 {
            writer.insert(job(&format!("job-{n}")), Kept::default()).await.expect("insert");
        }
        let document = Document::new("application/pdf".into(), b"%PDF one resume".to_vec());
        let keeps = Kept { document: Some(document.clone()), ..Kept::default() };
        let mut handles = Vec::new();
        for n in 0..40 {
            let (writer, keeps) = (writer.clone(), keeps.clone());
            // Every other update matches nothing (progress does not go backwards).
            let to = if n % 2 == 0 { 50 } else { 0 };
            handles.push(tokio::spawn(async move {
                writer.update(progress(&format!("job-{n}"), to), keeps, Durability::Durable).await
            }));
        }
        for (n, handle) in handles.into_iter().enumerate() {
            let rows = handle.await.unwrap().expect("update");
            if n % 2 == 0 {
                assert_eq!(rows.len(), 1, "job-{n} moved");
                assert_eq!((rows[0].id.as_str(), rows[0].progress), (format!("job-{n}").as_str(), 50));
            } else {
                assert!(rows.is_empty(), "job-{n} did not move: {rows:?}");
            }
        }
        assert_eq!(resume_file::Entity::find().count(&temp.db).await.unwrap(), 20, "one reference per moved job");
        let stored = resume_document::Entity::find().all(&temp.db).await.unwrap();
        assert_eq!(stored.len(), 1, "one copy of the bytes");
        assert_eq!(
            (stored[0].hash.as_str(), stored[0].content.as_slice()),
            (document.hash.as_str(), &b"%PDF one resume"[..])
        );
    }

    /// The timeline and the job never disagree: a transition whose entry cannot be written
    /// is not made either (here the timeline's table is gone), alone or in a group; on
    /// SQLite and on PostgreSQL (where a lone write is one statement).
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_transition_whose_timeline_entry_fails_is_not_made() {
        let temp = temp_db().await;
        transition_fails_with_its_entry(&temp.db).await;
        let postgres = temp_postgres().await;
        transition_fails_with_its_entry(&postgres.db).await;
        postgres.drop_database().await;
    }

    async fn transition_fails_with_its_entry(db: &DatabaseConnection) {
        let writer = Arc::new(Writer::start(db.clone()));
        writer.insert(job("kept"), Kept::default()).await.expect("insert");
        db.execute_unprepared("DROP TABLE job_event").await.expect("drop the timeline");
        let claimed = Kept::events([Event::new(job_event::Kind::Claimed).worker("w1")]);
        let failed = writer.update(progress("kept", 10), claimed, Durability::Durable).await;
        assert!(failed.is_err(), "{failed:?}");
        let row = resume_job::Entity::find_by_id("kept").one(db).await.unwrap().unwrap();
        assert_eq!(row.progress, 0, "the transition was rolled back with its entry");
        // A write that records nothing still goes through.
        let moved =
            writer.update(progress("kept", 20), Kept::default(), Durability::Relaxed).await.expect("no entry to write");
        assert_eq!(moved[0].progress, 20);
    }

    /// On PostgreSQL a small group is written side by side, each write its own statement:
    /// each caller gets its own answer (its rows, or its own error), and each write keeps
    /// its own entries.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn on_postgres_a_small_group_is_written_side_by_side_each_answered_alone() {
        let temp = temp_postgres().await;
        Writer::start(temp.db.clone()).insert(job("a"), Kept::default()).await.expect("insert");
        let queued = || Kept::events([Event::new(job_event::Kind::Queued)]);
        let claimed = Kept::events([Event::new(job_event::Kind::Claimed).worker("w1")]);
        let writes = [
            Write::Insert(Box::new(job("b")), queued()),
            Write::Update(Box::new(progress("a", 10)), claimed, Durability::Durable),
            Write::Insert(Box::new(job("a")), queued()),
        ];
        let (group, answers) = pending(writes);
        write(&temp.db, group).await;
        let mut answers = answers.into_iter();
        let mut next = || answers.next().expect("an answer");
        assert_eq!(next().await.unwrap().expect("b inserted"), Vec::new());
        let moved = next().await.unwrap().expect("a moved");
        assert_eq!(moved.iter().map(|r| (r.id.as_str(), r.progress)).collect::<Vec<_>>(), [("a", 10)]);
        assert!(next().await.unwrap().is_err(), "a second a fails, alone");
        let mut entries: Vec<(String, String)> =
            job_event::Entity::find().all(&temp.db).await.unwrap().into_iter().map(|e| (e.job_id, e.kind)).collect();
        entries.sort();
        assert_eq!(entries, [("a".to_owned(), "claimed".to_owned()), ("b".to_owned(), "queued".to_owned())]);
        temp.drop_database().await;
    }

    /// `writes` as the writer task receives them, and where each one's answer arrives.
    fn pending<const N: usize>(writes: [Write; N]) -> (Vec<Pending>, Vec<Answer>) {
        writes
            .into_iter()
            .map(|write| {
                let (done, answer) = oneshot::channel();
                (Pending { write, done }, answer)
            })
            .unzip()
    }

    type Answer = oneshot::Receiver<Result<Vec<resume_job::Model>, DbErr>>;

    /// Side by side means at once: in a small group on PostgreSQL, a write held up by a
    /// lock on its row holds up none of the others (in one transaction, every answer
    /// waited for the slowest write).
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn on_postgres_a_write_held_by_a_lock_holds_up_none_of_its_neighbours() {
        let temp = temp_postgres().await;
        Writer::start(temp.db.clone()).insert(job("a"), Kept::default()).await.expect("insert");
        let holder = temp.db.begin().await.expect("a transaction");
        holder.execute_unprepared("SELECT id FROM resume_generation_job WHERE id = 'a' FOR UPDATE").await.unwrap();
        let writes = [
            Write::Update(Box::new(progress("a", 10)), Kept::default(), Durability::Durable),
            Write::Insert(Box::new(job("b")), Kept::default()),
        ];
        let (group, answers) = pending(writes);
        let db = temp.db.clone();
        let writing = tokio::spawn(async move { write(&db, group).await });
        let [held, free]: [Answer; 2] = answers.try_into().expect("two answers");
        let free = tokio::time::timeout(std::time::Duration::from_secs(30), free).await;
        assert_eq!(free.expect("b answered while a is locked").unwrap().expect("b inserted"), Vec::new());
        holder.commit().await.expect("lock released");
        let moved = held.await.unwrap().expect("a moved once free");
        assert_eq!(moved.iter().map(|r| (r.id.as_str(), r.progress)).collect::<Vec<_>>(), [("a", 10)]);
        writing.await.expect("the group is written");
        temp.drop_database().await;
    }

    /// On PostgreSQL a caller alone writes in its own task: a lone submission's insert does
    /// not wait for the writer task, here held on a locked row by a progress write whose
    /// caller has gone (before, it queued behind it until the lock was released).
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn on_postgres_a_caller_alone_does_not_wait_for_the_writer_task() {
        let temp = temp_postgres().await;
        let writer = Arc::new(Writer::start(temp.db.clone()));
        writer.insert(job("a"), Kept::default()).await.expect("insert");
        let holder = temp.db.begin().await.expect("a transaction");
        holder.execute_unprepared("SELECT id FROM resume_generation_job WHERE id = 'a' FOR UPDATE").await.unwrap();
        // A relaxed write always goes through the writer task, which waits for the lock.
        let held = tokio::spawn({
            let writer = writer.clone();
            async move { writer.update(progress("a", 10), Kept::default(), Durability::Relaxed).await }
        });
        let waiting = "SELECT count(*) AS n FROM pg_stat_activity \
                       WHERE datname = current_database() AND wait_event_type = 'Lock'";
        let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(30);
        loop {
            let row = temp.db.query_one_raw(Statement::from_string(DbBackend::Postgres, waiting)).await.unwrap();
            if row.and_then(|row| row.try_get::<i64>("", "n").ok()).unwrap_or_default() > 0 {
                break;
            }
            assert!(tokio::time::Instant::now() < deadline, "the writer task never waited for the lock");
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        }
        held.abort();
        assert!(held.await.unwrap_err().is_cancelled());
        let alone = tokio::time::timeout(std::time::Duration::from_secs(30), writer.insert(job("b"), Kept::default()));
        alone.await.expect("b written while the writer task is held").expect("b inserted");
        holder.commit().await.expect("lock released");
        temp.drop_database().await;
    }

    /// On PostgreSQL a lone write is one statement: its timeline entries carry the row's id
    /// and attempt (none before the first), and its entries, document (stored once),
    /// file reference and content are kept for the rows it moved only.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn on_postgres_a_lone_write_keeps_what_it_keeps_for_the_rows_it_moved() {
        let temp = temp_postgres().await;
        let writer = Writer::start(temp.db.clone());
        let queued = Event::new(job_event::Kind::Queued).detail("resume_generation");
        writer.insert(job("a"), Kept::events([queued])).await.expect("insert");
        let claim = resume_job::Entity::update_many()
            .col_expr(resume_job::Column::Attempts, Expr::value(2))
            .col_expr(resume_job::Column::Progress, Expr::value(10))
            .filter(resume_job::Column::Id.eq("a"));
        let failed = Event::new(job_event::Kind::Failed).worker("w1").error(ErrorClass::ModelUnavailable, "503".into());
        let moved = writer.update(claim, Kept::events([failed]), Durability::Durable).await.expect("update");
        assert_eq!(moved.iter().map(|r| (r.id.as_str(), r.attempts, r.progress)).collect::<Vec<_>>(), [("a", 2, 10)]);
        // Progress does not go back: nothing moves, nothing is recorded.
        let note = Kept::events([Event::new(job_event::Kind::Claimed)]);
        let none = writer.update(progress("a", 5), note, Durability::Durable).await.expect("update");
        assert!(none.is_empty(), "{none:?}");
        let entries = job_event::Entity::find().all(&temp.db).await.unwrap();
        let seen: Vec<_> = entries
            .iter()
            .map(|e| {
                (
                    e.job_id.as_str(),
                    e.kind.as_str(),
                    e.attempt,
                    e.worker.as_deref(),
                    e.detail.as_deref(),
                    e.error_key.as_deref(),
                )
            })
            .collect();
        assert_eq!(
            seen,
            [
                ("a", "queued", None, None, Some("resume_generation"), None),
                ("a", "failed", Some(2), Some("w1"), None, Some("503")),
            ]
        );
        assert_eq!(entries[1].error_group, Some(errors::group_id(ErrorClass::ModelUnavailable.as_str(), "503")));

        // A completion keeps its document (once for two jobs), file and content; one that
        // moves nothing keeps none.
        writer.insert(job("b"), Kept::default()).await.expect("insert");
        let document = Document::new("application/pdf".into(), b"%PDF shared".to_vec());
        let late = Document::new("application/pdf".into(), b"%PDF never kept".to_vec());
        let done = |key: &str, document: &Document| Kept {
            document: Some(document.clone()),
            content: Some(Content { encoded: vec![1, 2, 3], key: Some(key.into()) }),
            ..Kept::events([Event::new(job_event::Kind::Succeeded)])
        };
        for id in ["a", "b"] {
            let moved =
                writer.update(progress(id, 100), done(id, &document), Durability::Durable).await.expect("completion");
            assert_eq!(moved.len(), 1, "{id} completed");
        }
        let none = writer.update(progress("b", 50), done("late", &late), Durability::Durable).await.expect("update");
        assert!(none.is_empty(), "{none:?}");
        let files = resume_file::Entity::find().all(&temp.db).await.unwrap();
        let mut files: Vec<_> = files.iter().map(|f| (f.job_id.as_str(), f.document_hash.as_str())).collect();
        files.sort();
        assert_eq!(files, [("a", document.hash.as_str()), ("b", document.hash.as_str())]);
        let stored = resume_document::Entity::find().all(&temp.db).await.unwrap();
        assert_eq!(stored.iter().map(|d| d.content.as_slice()).collect::<Vec<_>>(), [&b"%PDF shared"[..]]);
        let contents = resume_content::Entity::find().all(&temp.db).await.unwrap();
        let mut contents: Vec<_> = contents.iter().map(|c| (c.job_id.as_str(), c.content_key.as_deref())).collect();
        contents.sort();
        assert_eq!(contents, [("a", Some("a")), ("b", Some("b"))]);
        let succeeded = job_event::Entity::find().filter(job_event::Column::Kind.eq("succeeded")).count(&temp.db);
        assert_eq!(succeeded.await.unwrap(), 2);
        drop(writer);
        temp.drop_database().await;
    }
}
