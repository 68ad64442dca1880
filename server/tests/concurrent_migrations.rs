//! Server processes started at the same instant on one database, fresh or one migration
//! behind: each applies the pending migrations only while no other does, so every one of
//! them starts and serves, and the schema ends complete. Each test has a database of its
//! own (a throwaway Postgres database, a SQLite file in a temporary folder) and a Redis key
//! prefix of its own, so they run in parallel.

use std::{
    io::{BufRead, BufReader},
    process::{Child, Command, Stdio},
    sync::{Arc, Barrier, mpsc},
    thread,
    time::Duration,
};

use anyhow::{Context as _, Result, bail, ensure};
use migrations::{Migrator, MigratorTrait};
use resume_proto::v1::{self, candidate_service_client::CandidateServiceClient};
use sea_orm::{ConnectionTrait, Database, DatabaseConnection};
use test_support::{TempDir, fixtures::sign};
use tonic::Request;

const SECRET: &str = "concurrent-migrations-test-secret";
/// How long a server may take to say it listens (or die) after its start: generous, as
/// the servers started together share two cores with other tests.
const START_DEADLINE: Duration = Duration::from_secs(60);

/// A process killed when dropped: none outlives its test, whatever fails.
struct Killed(Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A server process and the address it said it listens on.
struct Started {
    _process: Killed,
    addr: String,
}

/// Where the servers keep their data: a database of the test's own, removed by [`Db::remove`].
enum Db {
    Postgres { admin: String, name: String },
    Sqlite(TempDir),
}

impl Db {
    async fn postgres() -> Result<Db> {
        let admin =
            std::env::var("TEST_POSTGRES_URL").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into());
        let name = format!("resume_start_{}", uuid::Uuid::new_v4().simple());
        let conn = Database::connect(&admin).await.context("connecting to Postgres (TEST_POSTGRES_URL)")?;
        conn.execute_unprepared(&format!("CREATE DATABASE {name}")).await?;
        Ok(Db::Postgres { admin, name })
    }

    fn sqlite() -> Result<Db> {
        Ok(Db::Sqlite(TempDir::new("resume-start")?))
    }

    fn url(&self) -> String {
        match self {
            Db::Postgres { admin, name } => {
                let base = admin.rsplit_once('/').map_or(admin.as_str(), |(base, _)| base);
                format!("{base}/{name}")
            }
            Db::Sqlite(dir) => format!("sqlite://{}/resume.db?mode=rwc", dir.path().display()),
        }
    }

    async fn remove(self) -> Result<()> {
        if let Db::Postgres { admin, name } = self {
            let conn = Database::connect(&admin).await?;
            conn.execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).await?;
        }
        Ok(())
    }
}

/// Every migration but the last applied, as a database one release behind is.
async fn one_migration_behind(db: &DatabaseConnection) -> Result<()> {
    let all = u32::try_from(Migrator::migrations().len())?;
    Migrator::up(db, Some(all - 1)).await?;
    ensure!(Migrator::get_pending_migrations(db).await?.len() == 1, "not exactly one migration pending");
    Ok(())
}

/// Starts `n` server processes on `database_url` at the same instant (a barrier releases
/// them together) and waits for each to say it listens; fails naming any that died instead.
fn start_together(n: usize, database_url: &str) -> Result<Vec<Started>> {
    let prefix = format!("start-{}", uuid::Uuid::new_v4().simple());
    let barrier = Arc::new(Barrier::new(n));
    let spawned: Vec<_> = (0..n)
        .map(|_| {
            let mut command = Command::new(env!("CARGO_BIN_EXE_server"));
            command
                .env("SERVER_ADDR", "127.0.0.1:0")
                .env("SERVER_METRICS_ADDR", "127.0.0.1:0")
                .env("DATABASE_URL", database_url)
                .env("JWT_SECRET", SECRET)
                .env("REDIS_KEY_PREFIX", &prefix)
                .env("RUST_LOG", "info")
                .env_remove("LOG_FORMAT")
                .stdout(Stdio::piped())
                .stderr(Stdio::piped());
            let barrier = barrier.clone();
            thread::spawn(move || {
                barrier.wait();
                command.spawn().map(Killed)
            })
        })
        .collect();
    let mut children = Vec::new();
    for handle in spawned {
        children.push(handle.join().map_err(|_| anyhow::anyhow!("a spawning thread panicked"))?);
    }
    let children = children.into_iter().collect::<Result<Vec<_>, _>>()?;
    children.into_iter().enumerate().map(|(i, child)| listening(i, child)).collect()
}

/// Reads the server's log until it says where it listens; its output if it exits first.
fn listening(index: usize, mut process: Killed) -> Result<Started> {
    let stdout = process.0.stdout.take().context("stdout")?;
    let stderr = process.0.stderr.take().context("stderr")?;
    let (lines, seen) = mpsc::channel();
    let out = lines.clone();
    thread::spawn(move || BufReader::new(stdout).lines().map_while(Result::ok).try_for_each(|l| out.send(l)));
    thread::spawn(move || BufReader::new(stderr).lines().map_while(Result::ok).try_for_each(|l| lines.send(l)));
    let mut log = Vec::new();
    loop {
        match seen.recv_timeout(START_DEADLINE) {
            Ok(line) => {
                if line.contains("server listening")
                    && let Some(addr) = line.split("addr=").nth(1)
                {
                    let addr = addr.split_whitespace().next().unwrap_or_default().to_owned();
                    // The rest of its output is not read: drain it so the server never blocks.
                    thread::spawn(move || seen.iter().for_each(drop));
                    return Ok(Started { _process: process, addr });
                }
                log.push(line);
            }
            // Both pipes closed: the process is gone.
            Err(mpsc::RecvTimeoutError::Disconnected) => {
                let status = process.0.wait()?;
                bail!("server {index} exited ({status}) before it listened:\n{}", log.join("\n"))
            }
            Err(mpsc::RecvTimeoutError::Timeout) => {
                bail!("server {index} did not listen within {START_DEADLINE:?}:\n{}", log.join("\n"))
            }
        }
    }
}

/// Each server answers a call that writes and reads the database (a new candidate).
async fn each_serves(servers: &[Started]) -> Result<()> {
    let token = sign(SECRET, &serde_json::json!({"sub": "starter", "exp": chrono::Utc::now().timestamp() + 600}));
    for (i, server) in servers.iter().enumerate() {
        let mut client = CandidateServiceClient::connect(format!("http://{}", server.addr)).await?;
        let candidate = v1::Candidate { full_name: format!("Starter {i}"), ..Default::default() };
        let mut request = Request::new(v1::CreateCandidateRequest { candidate: Some(candidate), ..Default::default() });
        request.metadata_mut().insert("authorization", format!("Bearer {token}").parse()?);
        let created = client.create_candidate(request).await.with_context(|| format!("server {i}"))?.into_inner();
        ensure!(created.candidate.is_some_and(|c| c.id > 0), "server {i} created no candidate");
    }
    Ok(())
}

/// Starts `n` servers together on `db` (one migration behind if `behind`), then checks
/// that all serve and that every migration is applied.
async fn servers_start_together(db: Db, n: usize, behind: bool) -> Result<()> {
    let url = db.url();
    let checked = async {
        if behind {
            one_migration_behind(&Database::connect(&url).await?).await?;
        }
        let servers = start_together(n, &url)?;
        each_serves(&servers).await?;
        let conn = Database::connect(&url).await?;
        let pending = Migrator::get_pending_migrations(&conn).await?;
        ensure!(pending.is_empty(), "{} migrations still pending", pending.len());
        let applied = Migrator::get_applied_migrations(&conn).await?.len();
        ensure!(applied == Migrator::migrations().len(), "{applied} migrations applied");
        conn.close().await?;
        Ok(())
    }
    .await;
    db.remove().await?;
    checked
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_servers_migrate_a_fresh_postgres_database_together() -> Result<()> {
    servers_start_together(Db::postgres().await?, 2, false).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_servers_migrate_a_fresh_postgres_database_together() -> Result<()> {
    servers_start_together(Db::postgres().await?, 3, false).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_servers_apply_the_last_migration_to_postgres_together() -> Result<()> {
    servers_start_together(Db::postgres().await?, 2, true).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_servers_apply_the_last_migration_to_postgres_together() -> Result<()> {
    servers_start_together(Db::postgres().await?, 3, true).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_servers_migrate_a_fresh_sqlite_database_together() -> Result<()> {
    servers_start_together(Db::sqlite()?, 3, false).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_servers_apply_the_last_migration_to_sqlite_together() -> Result<()> {
    servers_start_together(Db::sqlite()?, 3, true).await
}
