//! `worker`: reads its configuration and takes tasks until Ctrl-C or SIGTERM.

use clap::Parser;
use tracing_subscriber::EnvFilter;
use worker::Config;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()))
        .init();
    let config = Config::parse();
    config.validate().map_err(anyhow::Error::msg)?;
    tracing::info!(?config, "starting");
    worker::run(config, shutdown_signal()).await.map_err(|e| anyhow::anyhow!(e))
}

/// Completes on Ctrl-C or SIGTERM.
async fn shutdown_signal() {
    let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        .expect("installing the SIGTERM handler");
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        _ = term.recv() => {}
    }
    tracing::info!("shutdown signal received");
}
