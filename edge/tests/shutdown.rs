//! The edge binary stops on SIGTERM even while an event stream is open: the stream ends,
//! then the process exits 0 within its drain deadline.

use std::{
    process::{Command, Stdio},
    time::{Duration, Instant},
};

use e2e::{Db, System};
use futures::StreamExt;
use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_ends_open_event_streams_and_exits() -> anyhow::Result<()> {
    // No worker: the job stays PENDING and its event stream stays open.
    let system = System::start(Db::Sqlite, 0).await?;
    let port = std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
    let base = format!("http://127.0.0.1:{port}");
    let mut edge = Command::new(env!("CARGO_BIN_EXE_edge"))
        .env("EDGE_ADDR", format!("127.0.0.1:{port}"))
        .env("SERVER_URL", format!("http://{}", system.grpc_addr))
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .spawn()?;
    let http = reqwest::Client::new();
    let mut up = false;
    for _ in 0..100 {
        if http.get(format!("{base}/api/healthz")).send().await.is_ok() {
            up = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    anyhow::ensure!(up, "the edge did not start");

    let (candidate, _) = system.candidate_with_target("stopper").await?;
    let (status, job) =
        system.post("stopper", "/api/resume-async/generate-async", json!({"candidate_id": candidate})).await?;
    assert_eq!(status, 202, "{job}");
    let events = http
        .get(format!("{base}/api/resume-async/job-events/{}", job["job_id"].as_str().unwrap()))
        .bearer_auth(system.token("stopper"))
        .send()
        .await?;
    assert_eq!(events.status(), 200);
    let mut body = events.bytes_stream();
    let first = body.next().await.expect("a first event")?;
    assert!(String::from_utf8_lossy(&first).contains("event: progress"), "{first:?}");

    let sent = Instant::now();
    let status = Command::new("kill").args(["-TERM", &edge.id().to_string()]).status()?;
    assert!(status.success());
    // The stream ends (rather than waiting for the job) …
    let ended =
        tokio::time::timeout(Duration::from_secs(8), async { while let Some(Ok(_)) = body.next().await {} }).await;
    assert!(ended.is_ok(), "the event stream was still open 8 s after SIGTERM");
    // … and the process exits 0 within its drain deadline.
    let exited = loop {
        if let Some(status) = edge.try_wait()? {
            break status;
        }
        if sent.elapsed() > Duration::from_secs(8) {
            let _ = edge.kill();
            panic!("the edge was still running 8 s after SIGTERM");
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert!(exited.success(), "{exited:?}");
    system.stop().await
}
