//! `loadgen`: the load generator and report writer behind `make bench`.
//!
//! - `loadgen fake-model --latency-ms N`: an OpenAI-compatible model on 127.0.0.1 (the
//!   tests' fake), printing its URL, until killed.
//! - `loadgen run <scenario> …`: one measurement, printed as one JSON line.
//! - `loadgen report …`: the medians of all runs as `BENCHMARKS.md`.

mod report;
mod scenarios;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(name = "loadgen", about = "Load generator for the resume service")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve a fake OpenAI-compatible model until killed.
    FakeModel {
        #[arg(long, default_value_t = 0)]
        latency_ms: u64,
    },
    /// Run one scenario and print its result as a JSON line.
    Run(scenarios::Args),
    /// Write BENCHMARKS.md from result lines.
    Report(report::Args),
}

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let _ = rustls::crypto::ring::default_provider().install_default();
    match Cli::parse().command {
        Command::FakeModel { latency_ms } => {
            let model = test_support::fake_model::FakeModel::start().await?;
            model.set_latency(std::time::Duration::from_millis(latency_ms));
            println!("{}", model.url);
            std::future::pending::<()>().await;
            Ok(())
        }
        Command::Run(args) => {
            let result = scenarios::run(args).await?;
            println!("{}", serde_json::to_string(&result)?);
            Ok(())
        }
        Command::Report(args) => report::write(args),
    }
}
