//! A server whose address is taken stops at start: a non-zero exit, an error naming the
//! variable and the address, and never a line saying that it listens.

use std::{net::TcpListener, process::Command};

use test_support::TempDir;

/// Runs the server binary with `variable` set to an address another socket holds; its
/// exit status and everything it printed.
fn server_on_taken(variable: &str) -> anyhow::Result<(std::process::ExitStatus, String, String)> {
    let holder = TcpListener::bind("127.0.0.1:0")?;
    let taken = holder.local_addr()?.to_string();
    let dir = TempDir::new("resume-busy-port")?;
    let output = Command::new(env!("CARGO_BIN_EXE_server"))
        .env("SERVER_ADDR", "127.0.0.1:0")
        .env("SERVER_METRICS_ADDR", "127.0.0.1:0")
        .env(variable, &taken)
        .env("DATABASE_URL", format!("sqlite://{}/resume.db?mode=rwc", dir.path().display()))
        .env("REDIS_KEY_PREFIX", format!("busy-{}", uuid::Uuid::new_v4().simple()))
        .env("JWT_SECRET", "busy-port-test-secret")
        .env("RUST_LOG", "info")
        .env_remove("LOG_FORMAT")
        .output()?;
    let printed = format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
    Ok((output.status, taken, printed))
}

fn assert_refused(variable: &str) -> anyhow::Result<()> {
    let (status, taken, printed) = server_on_taken(variable)?;
    assert!(!status.success(), "the server ran with {variable} taken:\n{printed}");
    assert!(printed.contains(&format!("{variable}={taken}")), "the error does not name {variable}={taken}:\n{printed}");
    assert!(printed.contains("in use"), "the error does not say the address is in use:\n{printed}");
    assert!(!printed.contains("listening"), "the server said it listens:\n{printed}");
    Ok(())
}

#[test]
fn a_taken_server_addr_stops_the_server_naming_it() -> anyhow::Result<()> {
    assert_refused("SERVER_ADDR")
}

#[test]
fn a_taken_metrics_addr_stops_the_server_naming_it() -> anyhow::Result<()> {
    assert_refused("SERVER_METRICS_ADDR")
}
