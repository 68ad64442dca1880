//! A worker whose metrics address is taken stops at start: a non-zero exit, an error
//! naming the variable and the address, and never a line saying that it started.

use std::{net::TcpListener, process::Command};

#[test]
fn a_taken_metrics_addr_stops_the_worker_naming_it() -> anyhow::Result<()> {
    let holder = TcpListener::bind("127.0.0.1:0")?;
    let taken = holder.local_addr()?.to_string();
    let output = Command::new(env!("CARGO_BIN_EXE_worker"))
        .env("WORKER_METRICS_ADDR", &taken)
        .env("REDIS_KEY_PREFIX", format!("busy-{}", uuid::Uuid::new_v4().simple()))
        .env("JWT_SECRET", "busy-port-test-secret")
        .env("RUST_LOG", "info")
        .env_remove("LOG_FORMAT")
        .env_remove("OPENAI_API_KEY")
        .output()?;
    let printed = format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
    assert!(!output.status.success(), "the worker ran with WORKER_METRICS_ADDR taken:\n{printed}");
    assert!(printed.contains(&format!("WORKER_METRICS_ADDR={taken}")), "the error does not name it:\n{printed}");
    assert!(printed.contains("in use"), "the error does not say the address is in use:\n{printed}");
    assert!(!printed.contains("listening") && !printed.contains("worker started"), "it said it started:\n{printed}");
    Ok(())
}
