//! The server binary against a Redis that speaks only TLS and requires an ACL user:
//! `REDIS_URL=rediss://user:password@…`, the CA given by `SSL_CERT_FILE`. A wrong password
//! stops the server at start with an error that does not repeat the password.

use std::{
    net::TcpStream,
    path::{Path, PathBuf},
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

use anyhow::{Context as _, Result, bail, ensure};
use resume_proto::v1::{
    self, candidate_service_client::CandidateServiceClient, readiness_service_client::ReadinessServiceClient,
    resume_service_client::ResumeServiceClient,
};
use test_support::{fixtures::sign, ports::free_port};
use tonic::{Request, transport::Channel};

const SECRET: &str = "tls-test-secret";
const PASSWORD: &str = "s3cret-redis-password";

/// How long a process may take to listen: generous, the tests share two noisy cores.
const PATIENCE: Duration = Duration::from_secs(60);

/// A process killed when dropped.
struct Killed(Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn run(program: &str, args: &[&str], dir: &Path) -> Result<()> {
    let status = Command::new(program).args(args).current_dir(dir).stderr(Stdio::null()).status()?;
    ensure!(status.success(), "{program} {args:?} failed");
    Ok(())
}

/// A CA, and a certificate it signed for 127.0.0.1 (P-256 keys: quick to make).
fn certificates(dir: &Path) -> Result<()> {
    let ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
    let mut ca =
        vec!["req", "-x509", "-days", "1", "-subj", "/CN=resume-test-ca", "-keyout", "ca.key", "-out", "ca.crt"];
    ca.extend(ec);
    run("openssl", &ca, dir)?;
    let mut csr = vec!["req", "-subj", "/CN=127.0.0.1", "-keyout", "redis.key", "-out", "redis.csr"];
    csr.extend(ec);
    run("openssl", &csr, dir)?;
    std::fs::write(dir.join("san.ext"), "subjectAltName=IP:127.0.0.1\n")?;
    run(
        "openssl",
        &["x509", "-req", "-in", "redis.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial"]
            .into_iter()
            .chain(["-days", "1", "-extfile", "san.ext", "-out", "redis.crt"])
            .collect::<Vec<_>>(),
        dir,
    )
}

/// `redis-server` on `port` with TLS only and the user `resume`.
fn tls_redis(dir: &Path, port: u16) -> Result<Killed> {
    let child = Command::new("redis-server")
        .args(["--port", "0", "--tls-port", &port.to_string(), "--bind", "127.0.0.1"])
        .args(["--tls-cert-file", "redis.crt", "--tls-key-file", "redis.key", "--tls-ca-cert-file", "ca.crt"])
        .args(["--tls-auth-clients", "no", "--save", "", "--appendonly", "no"])
        .args(["--user", "default", "off"])
        .args(["--user", "resume", "on", &format!(">{PASSWORD}"), "~*", "&*", "+@all"])
        .current_dir(dir)
        .stdout(Stdio::null())
        .spawn()
        .context("starting redis-server")?;
    Ok(Killed(child))
}

fn server(dir: &Path, addr: &str, redis_url: &str) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_server"));
    command
        .env("SERVER_ADDR", addr)
        .env("DATABASE_URL", format!("sqlite://{}/resume.db?mode=rwc", dir.display()))
        .env("REDIS_URL", redis_url)
        .env("SERVER_METRICS_ADDR", "127.0.0.1:0")
        .env("SSL_CERT_FILE", dir.join("ca.crt"))
        .env("JWT_SECRET", SECRET)
        .env("REDIS_KEY_PREFIX", "tls")
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null());
    command
}

fn authed<T>(message: T) -> Request<T> {
    let token = sign(SECRET, &serde_json::json!({"sub": "tess", "exp": chrono::Utc::now().timestamp() + 600}));
    let mut request = Request::new(message);
    request.metadata_mut().insert("authorization", format!("Bearer {token}").parse().unwrap());
    request
}

async fn connect(addr: &str) -> Result<Channel> {
    let deadline = Instant::now() + PATIENCE;
    while Instant::now() < deadline {
        if let Ok(channel) = Channel::from_shared(format!("http://{addr}"))?.connect().await {
            return Ok(channel);
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    bail!("the server did not listen on {addr} within {PATIENCE:?}")
}

/// Waits until something listens on `port`.
async fn listening(port: u16) -> Result<()> {
    let deadline = Instant::now() + PATIENCE;
    while Instant::now() < deadline {
        if TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    bail!("nothing listened on port {port} within {PATIENCE:?}")
}

struct TempDir(PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_server_uses_a_tls_redis_with_an_acl_user() -> Result<()> {
    let dir = TempDir(std::env::temp_dir().join(format!("resume-tls-{}", uuid::Uuid::new_v4().simple())));
    std::fs::create_dir_all(&dir.0)?;
    certificates(&dir.0)?;
    let redis_port = free_port()?;
    let _redis = tls_redis(&dir.0, redis_port)?;
    listening(redis_port).await?;

    // A wrong password: the server refuses to start, without printing the password.
    let wrong = format!("rediss://resume:not-the-{PASSWORD}@127.0.0.1:{redis_port}");
    let output = server(&dir.0, &format!("127.0.0.1:{}", free_port()?), &wrong).stderr(Stdio::piped()).output()?;
    assert!(!output.status.success(), "the server started with a wrong Redis password");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!stderr.contains(PASSWORD), "the password leaked: {stderr}");

    let addr = format!("127.0.0.1:{}", free_port()?);
    let url = format!("rediss://resume:{PASSWORD}@127.0.0.1:{redis_port}");
    let _server = Killed(server(&dir.0, &addr, &url).stderr(Stdio::null()).spawn()?);
    let channel = connect(&addr).await?;
    let ready =
        ReadinessServiceClient::new(channel.clone()).get_readiness(v1::GetReadinessRequest {}).await?.into_inner();
    assert_eq!((ready.database.as_str(), ready.redis.as_str()), ("ok", "ok"), "{ready:?}");

    // A job's task goes over TLS into the queue.
    let candidate = v1::Candidate { full_name: "Tess Layer".into(), ..Default::default() };
    let created = CandidateServiceClient::new(channel.clone())
        .create_candidate(authed(v1::CreateCandidateRequest { candidate: Some(candidate), ..Default::default() }))
        .await?
        .into_inner()
        .candidate
        .context("candidate")?;
    let request = v1::GenerateResumeRequest { candidate_id: created.id, ..Default::default() };
    let job = ResumeServiceClient::new(channel).generate_resume(authed(request)).await?.into_inner().job.unwrap();
    assert_eq!(job.status, "PENDING");
    let queued = Command::new("redis-cli")
        .args(["--tls", "--cacert", "ca.crt", "-p", &redis_port.to_string(), "--user", "resume", "--pass", PASSWORD])
        .args(["--no-auth-warning", "GET", "{tls}:resume_generation:depth"])
        .current_dir(&dir.0)
        .output()?;
    assert_eq!(String::from_utf8_lossy(&queued.stdout).trim(), "1", "the queue's depth counter counts it");
    Ok(())
}
