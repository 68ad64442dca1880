//! `edge`: reads its configuration, binds and serves until Ctrl-C or SIGTERM.

use clap::Parser;
use edge::Config;
use runtime::{
    listen::bind,
    process::{init_logging, shutdown_signal},
};

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let _telemetry = init_logging("edge");
    let config = Config::parse();
    config.validate().map_err(anyhow::Error::msg)?;
    tracing::info!(?config, "starting");
    let listener = bind("EDGE_ADDR", config.edge_addr).await?;
    edge::run(config, listener, Box::pin(shutdown_signal())).await.map_err(|e| anyhow::anyhow!(e))
}
