//! `worker`: reads its configuration and takes tasks until Ctrl-C or SIGTERM.

use clap::Parser;
use runtime::process::{init_logging, shutdown_signal};
use worker::Config;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let _telemetry = init_logging("worker");
    let config = Config::parse();
    config.validate().map_err(anyhow::Error::msg)?;
    tracing::info!(?config, "starting");
    worker::run(config, Box::pin(shutdown_signal())).await.map_err(|e| anyhow::anyhow!(e))
}
