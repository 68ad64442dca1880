//! Storage: the sea-orm entities, the connection (with migrations applied), the group
//! commit of the job path's writes and the grouped reads by key.

pub mod alone;
pub mod audit_entry;
pub mod batch;
pub mod candidate;
pub mod candidate_import;
pub mod candidate_job;
pub mod errors;
pub mod group_read;
pub mod job_event;
pub mod lost_worker;
pub mod opening;
pub mod paused_queue;
pub mod resume_content;
pub mod resume_document;
pub mod resume_file;
pub mod resume_job;
pub mod user_budget;
pub mod writer;

use std::time::Duration;

use group_read::{GroupRead, by_primary_key};
use migrations::{Migrator, MigratorTrait};
use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DbBackend, DbErr, Statement,
    sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqliteSynchronous},
};

/// The rows the API reads by key, each kind through its own [`GroupRead`].
pub struct ByKey {
    pub jobs: GroupRead<String, resume_job::Model>,
    pub candidates: GroupRead<i64, candidate::WithBudget>,
    pub targets: GroupRead<i64, candidate_job::Model>,
}

impl ByKey {
    /// Starts the three readers over `db`.
    pub fn start(db: &DatabaseConnection) -> ByKey {
        ByKey {
            jobs: by_primary_key::<resume_job::Entity, _>(db, |row| row.id.clone()),
            candidates: {
                let db = db.clone();
                GroupRead::start(
                    move |ids| {
                        let db = db.clone();
                        async move { candidate::with_budget(&db, ids).await }
                    },
                    |row| row.candidate.id,
                )
            },
            targets: by_primary_key::<candidate_job::Entity, _>(db, |row| row.id),
        }
    }
}

/// Connects to `url`, tunes SQLite for concurrent use and applies pending migrations,
/// one process at a time.
///
/// The migrator reads what is pending, then applies it step by step: two servers starting
/// together both found the same steps pending, and the second failed on what the first had
/// just made ("column … already exists"). SQLite's own locking does not prevent that
/// either: it serialises each statement, not the read and the steps. So a process migrates
/// only under a lock, and the next one to take it finds nothing left to do: on PostgreSQL
/// an advisory lock ([`migrate_postgres`]); on a SQLite file an exclusive lock on a file
/// beside it (`….migrating`), released when closed, by a crash too. An in-memory SQLite
/// database has no other process to wait for.
///
/// On a SQLite file the pool itself is opened under that lock too: the first connection to
/// a fresh file turns it to WAL, which needs the file to itself, and SQLite refuses
/// ("database is locked") rather than waits for a process opening it at the same moment,
/// whatever the busy timeout. Once the file is in WAL mode, later connections change nothing.
pub async fn connect(url: &str) -> Result<DatabaseConnection, DbErr> {
    let sqlite = url.starts_with("sqlite:");
    if sqlite {
        create_sqlite_dir(url);
    }
    let file = sqlite_file(url).filter(|_| sqlite);
    let _alone = match file {
        Some(path) => Some(lock_file(format!("{path}.migrating")).await?),
        None => None,
    };
    let mut options = ConnectOptions::new(url.to_owned());
    options
        .max_connections(if sqlite { 8 } else { 16 })
        .min_connections(1)
        // An unreachable database fails a request within two seconds, not thirty.
        .connect_timeout(Duration::from_secs(1))
        .acquire_timeout(Duration::from_secs(2))
        // A connection used within the last half second is handed out as it is; one idle
        // longer is pinged first (as HikariCP's alive-bypass window does). sqlx's default
        // pings on every checkout: a round trip to the database per transaction, paid by
        // every request and every claim while the connection had just answered. The price:
        // a connection the database drops within that half second (a restart, a failover)
        // fails the one request that gets it next; sqlx's ping when it is given back then
        // closes it.
        .test_before_acquire_if_idle_for(Duration::from_millis(500))
        .sqlx_logging(false)
        .map_sqlx_sqlite_opts(tune_sqlite);
    let db = Database::connect(options).await?;
    match file {
        Some(_) => migrate_sqlite_file(url).await?,
        None if sqlite => Migrator::up(&db, None).await?,
        None => migrate_postgres(url).await?,
    }
    Ok(db)
}

/// Now, to the microsecond (what Postgres keeps), so stored and shown times agree.
pub fn now() -> chrono::DateTime<chrono::Utc> {
    let now = chrono::Utc::now();
    chrono::DurationRound::duration_trunc(now, chrono::TimeDelta::microseconds(1)).unwrap_or(now)
}

/// Set on every SQLite connection: WAL lets readers run beside the writer, NORMAL is
/// durable across process crashes, and a busy writer is waited for, not an error.
fn tune_sqlite(opts: SqliteConnectOptions) -> SqliteConnectOptions {
    opts.journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Normal)
        .busy_timeout(Duration::from_secs(5))
        .foreign_keys(true)
}

/// The Postgres advisory lock a server holds while it migrates: a number of our own
/// ("resume" in ASCII); advisory locks are per database, so other databases are not held up.
const MIGRATION_LOCK: i64 = 0x7265_7375_6d65;

/// Applies pending migrations to the PostgreSQL database of `url` while no other process
/// does: under a session advisory lock on one dedicated connection, which also runs the
/// migrations (lock, migrate, unlock; were the process to die, its session and lock would
/// end with it).
async fn migrate_postgres(url: &str) -> Result<(), DbErr> {
    let alone = Database::connect(one_connection(url)).await?;
    // Said when it has to wait: a server held up behind another's long migration says why.
    let try_lock =
        Statement::from_string(DbBackend::Postgres, format!("SELECT pg_try_advisory_lock({MIGRATION_LOCK})"));
    let taken = alone.query_one_raw(try_lock).await?.map(|row| row.try_get_by_index::<bool>(0)).transpose()?;
    if taken != Some(true) {
        tracing::info!("waiting for another process to finish migrating the database");
        alone.execute_unprepared(&format!("SELECT pg_advisory_lock({MIGRATION_LOCK})")).await?;
    }
    let migrated = Migrator::up(&alone, None).await;
    let unlocked = alone.execute_unprepared(&format!("SELECT pg_advisory_unlock({MIGRATION_LOCK})")).await;
    alone.close().await?;
    migrated.and(unlocked.map(drop))
}

/// Applies pending migrations to the SQLite file of `url`; the caller holds its lock file.
/// One connection: a migration that turns SQLite's foreign keys off for a table rebuild
/// must run every statement on the connection it turned them off on.
async fn migrate_sqlite_file(url: &str) -> Result<(), DbErr> {
    let mut options = one_connection(url);
    options.map_sqlx_sqlite_opts(tune_sqlite);
    let alone = Database::connect(options).await?;
    let migrated = Migrator::up(&alone, None).await;
    alone.close().await?;
    migrated
}

/// Options of a pool of one connection, open throughout (a Postgres advisory lock belongs
/// to its session; SQLite's pragmas to their connection).
fn one_connection(url: &str) -> ConnectOptions {
    let mut options = ConnectOptions::new(url.to_owned());
    options.max_connections(1).min_connections(1).idle_timeout(None).max_lifetime(None).sqlx_logging(false);
    options
}

/// Opens `path` (creating it) and waits for an exclusive lock on it, held until dropped.
async fn lock_file(path: String) -> Result<std::fs::File, DbErr> {
    let failed = |e: &dyn std::fmt::Display| DbErr::Migration(format!("cannot lock {path} to migrate: {e}"));
    let file = path.clone();
    let locked = tokio::task::spawn_blocking(move || {
        let file = std::fs::OpenOptions::new().create(true).truncate(false).write(true).open(file)?;
        file.lock()?;
        Ok::<_, std::io::Error>(file)
    });
    locked.await.map_err(|e| failed(&e))?.map_err(|e| failed(&e))
}

/// The file of a SQLite `url`, unless the database lives in memory.
fn sqlite_file(url: &str) -> Option<&str> {
    let path = url.trim_start_matches("sqlite://").trim_start_matches("sqlite:");
    let path = path.split('?').next().unwrap_or_default();
    let in_memory = path.is_empty() || path == ":memory:" || url.contains("mode=memory");
    (!in_memory).then_some(path)
}

/// SQLite creates the file but not its folder (`.data/` on a fresh checkout).
fn create_sqlite_dir(url: &str) {
    if let Some(dir) = sqlite_file(url).and_then(|path| std::path::Path::new(path).parent())
        && !dir.as_os_str().is_empty()
    {
        let _ = std::fs::create_dir_all(dir);
    }
}

#[cfg(test)]
pub(crate) mod testing {
    //! A throwaway database, migrated, with one candidate (id 1): SQLite in a folder of its
    //! own, or a PostgreSQL database of its own on the server `TEST_POSTGRES_URL` names.

    use resume_proto::job::{Document, FileType, JobKind, JobStatus, Priority};
    use sea_orm::{ActiveModelTrait, ConnectionTrait, Database, DatabaseConnection, Set};
    use test_support::TempDir;

    use super::{candidate, resume_job};

    /// The database and its folder (removed on drop).
    pub struct TempDb {
        pub db: DatabaseConnection,
        _dir: TempDir,
    }

    pub async fn temp_db() -> TempDb {
        let dir = TempDir::new("resume-db-test").expect("a temporary folder");
        let db = super::connect(&format!("sqlite://{}/t.db?mode=rwc", dir.path().display())).await.expect("database");
        with_candidate(&db).await;
        TempDb { db, _dir: dir }
    }

    /// A new PostgreSQL database; [`PostgresDb::drop_database`] removes it.
    pub struct PostgresDb {
        pub db: DatabaseConnection,
        admin: DatabaseConnection,
        name: String,
    }

    impl PostgresDb {
        pub async fn drop_database(self) {
            self.db.close().await.expect("closing the test database");
            self.admin.execute_unprepared(&format!("DROP DATABASE {}", self.name)).await.expect("dropping it");
        }
    }

    pub async fn temp_postgres() -> PostgresDb {
        let admin_url =
            std::env::var("TEST_POSTGRES_URL").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into());
        let admin = Database::connect(&admin_url).await.expect("connecting to PostgreSQL (TEST_POSTGRES_URL)");
        let name = format!("server_test_{}", uuid::Uuid::new_v4().simple());
        admin.execute_unprepared(&format!("CREATE DATABASE {name}")).await.expect("a test database");
        let (base, _) = admin_url.rsplit_once('/').expect("a database URL");
        let db = super::connect(&format!("{base}/{name}")).await.expect("database");
        with_candidate(&db).await;
        PostgresDb { db, admin, name }
    }

    async fn with_candidate(db: &DatabaseConnection) {
        candidate::ActiveModel {
            owner: Set("u".into()),
            full_name: Set("Ada".into()),
            profile: Set("{}".into()),
            created_at: Set(chrono::Utc::now()),
            ..Default::default()
        }
        .insert(db)
        .await
        .expect("candidate");
    }

    /// A PENDING job `id` of candidate 1.
    pub fn job(id: &str) -> resume_job::Model {
        resume_job::Model {
            id: id.to_owned(),
            owner: "u".into(),
            candidate_id: Some(1),
            job_row_id: None,
            status: JobStatus::Pending,
            progress: 0,
            file_type: FileType::Word,
            priority: Priority::Default,
            filename: None,
            error_message: None,
            cache_hit: false,
            attempts: 0,
            created_at: chrono::Utc::now(),
            started_at: None,
            completed_at: None,
            prompt_tokens: 0,
            completion_tokens: 0,
            generation_ms: 0,
            edited_from: None,
            worker: None,
            run: 0,
            kind: JobKind::Generate,
            batch_id: None,
            document: Document::Resume,
            anonymize: false,
            fresh: false,
            model: None,
            cached_tokens: 0,
        }
    }
}

#[cfg(test)]
mod tests {
    use migrations::{Migrator, MigratorTrait};
    use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, Statement, TransactionTrait};
    use test_support::TempDir;

    use super::testing::{temp_db, temp_postgres};

    /// The text of each query's plan's rows, joined.
    async fn plan(db: &impl ConnectionTrait, sql: &str) -> String {
        let sqlite = db.get_database_backend() == DbBackend::Sqlite;
        let (explain, column) = if sqlite { ("EXPLAIN QUERY PLAN", "detail") } else { ("EXPLAIN", "QUERY PLAN") };
        let explain = Statement::from_string(db.get_database_backend(), format!("{explain} {sql}"));
        let rows = db.query_all_raw(explain).await.expect("a plan");
        rows.iter().map(|row| row.try_get::<String>("", column).expect("a plan row")).collect::<Vec<_>>().join("\n")
    }

    /// Index `name`'s definition as the database keeps it, without quotes and brackets.
    async fn definition(db: &DatabaseConnection, name: &str) -> Option<String> {
        let sql = if db.get_database_backend() == DbBackend::Sqlite {
            "SELECT sql AS def FROM sqlite_master WHERE type = 'index' AND name = "
        } else {
            "SELECT indexdef AS def FROM pg_indexes WHERE indexname = "
        };
        let row = db.query_one_raw(Statement::from_string(db.get_database_backend(), format!("{sql}'{name}'")));
        let def = row.await.expect("read")?.try_get::<String>("", "def").expect("text");
        Some(def.replace(['"', '(', ')'], ""))
    }

    /// Whether `db` has each of `present` (an index's name and how its definition ends) and
    /// none of `absent`.
    async fn has_indexes(db: &DatabaseConnection, present: [(&str, &str); 2], absent: [&str; 2]) {
        for (name, ending) in present {
            let found = definition(db, name).await.unwrap_or_else(|| panic!("{name} is missing"));
            assert!(found.ends_with(ending), "{found}");
        }
        for name in absent {
            assert_eq!(definition(db, name).await, None, "{name} is still there");
        }
    }

    /// A job's batch and an owner's spend are indexed only where set (migration 13), and the
    /// queries that read them by batch and by time are served by those indexes; rolled back,
    /// the whole indexes are back and the partial ones gone.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn batch_and_spend_indexes_hold_only_rows_that_have_them_and_serve_their_queries() {
        let (sqlite, postgres) = (temp_db().await, temp_postgres().await);
        let partial = [
            ("idx_rgj_batch_items", "batch_id WHERE batch_id IS NOT NULL"),
            ("idx_rgj_owner_spend", "owner, completed_at WHERE completed_at IS NOT NULL"),
        ];
        let whole = [("idx_resume_job_batch_id", "batch_id"), ("idx_rgj_owner_completed_at", "owner, completed_at")];
        for db in [&sqlite.db, &postgres.db] {
            has_indexes(db, partial, whole.map(|(name, _)| name)).await;
            // PostgreSQL reads an empty table whole unless told not to (on this connection).
            let txn = db.begin().await.unwrap();
            if db.get_database_backend() == DbBackend::Postgres {
                txn.execute_unprepared("SET LOCAL enable_seqscan = off").await.unwrap();
            }
            let by_batch = plan(&txn, "SELECT id FROM resume_generation_job WHERE batch_id IN ('a', 'b')").await;
            assert!(by_batch.contains(partial[0].0), "{by_batch}");
            let by_spend = "SELECT owner FROM resume_generation_job WHERE owner IN ('u') \
                            AND completed_at >= '2026-12-01 00:00:00+00:00'";
            let by_spend = plan(&txn, by_spend).await;
            assert!(by_spend.contains(partial[1].0), "{by_spend}");
            txn.rollback().await.unwrap();

            // Migration 13 and every one after it.
            let after = Migrator::migrations().iter().rev().position(|m| m.name().contains("_000013_")).unwrap();
            Migrator::down(db, Some(after as u32 + 1)).await.expect("rolled back");
            has_indexes(db, whole, partial.map(|(name, _)| name)).await;
            Migrator::up(db, None).await.expect("migrated again");
            has_indexes(db, partial, whole.map(|(name, _)| name)).await;
        }
        postgres.drop_database().await;
    }

    /// Many openers of one fresh SQLite file at the same moment (servers started together)
    /// each get a migrated database in WAL mode: none is refused "database is locked" while
    /// another turns the file to WAL.
    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn openers_of_a_fresh_sqlite_file_at_once_all_connect() {
        for round in 0..4 {
            let dir = TempDir::new("connect").expect("temp dir");
            let url = format!("sqlite://{}/fresh-{round}.db?mode=rwc", dir.path().display());
            let opened = futures::future::join_all((0..12).map(|_| super::connect(&url))).await;
            for db in opened {
                let db = db.expect("every opener connects");
                let mode = db
                    .query_one_raw(Statement::from_string(DbBackend::Sqlite, "PRAGMA journal_mode"))
                    .await
                    .expect("journal mode")
                    .and_then(|row| row.try_get_by_index::<String>(0).ok());
                assert_eq!(mode.as_deref(), Some("wal"));
            }
        }
    }
}
