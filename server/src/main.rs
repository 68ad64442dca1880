//! `server`: reads its configuration, binds and serves until Ctrl-C or SIGTERM.

use clap::Parser;
use runtime::{
    listen::bind,
    process::{init_logging, shutdown_signal},
};
use server::Config;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let _telemetry = init_logging("server");
    let config = Config::parse();
    config.validate().map_err(anyhow::Error::msg)?;
    tracing::info!(?config, "starting");
    let listener = bind("SERVER_ADDR", config.server_addr).await?;
    server::run(config, listener, Box::pin(shutdown_signal())).await.map_err(|e| anyhow::anyhow!(e))
}
