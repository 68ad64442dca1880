//! How every process (server, worker, edge) logs and learns it must stop.

use std::{future::Future, io::IsTerminal, pin::Pin};

use tracing_subscriber::EnvFilter;

/// Logs per `RUST_LOG` (default `info`): JSON lines when `LOG_FORMAT=json`, otherwise
/// readable text, coloured only on a terminal.
pub fn init_logging() {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt().with_env_filter(filter);
    if std::env::var("LOG_FORMAT").is_ok_and(|f| f == "json") {
        builder.json().init();
    } else {
        builder.with_ansi(std::io::stdout().is_terminal()).init();
    }
}

/// What tells a process's `run` to stop. A boxed future rather than a type parameter, so
/// that `run` is compiled once, in its library: a generic `run` was compiled again into
/// each binary, about three minutes of a release build's CPU time.
pub type Shutdown = Pin<Box<dyn Future<Output = ()> + Send>>;

/// Completes on Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    let mut term = match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
        Ok(term) => term,
        Err(error) => {
            tracing::error!(%error, "cannot watch SIGTERM; only Ctrl-C stops this process");
            let _ = tokio::signal::ctrl_c().await;
            return;
        }
    };
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        _ = term.recv() => {}
    }
    tracing::info!("shutdown signal received");
}
