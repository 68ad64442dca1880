//! `loadgen`: the load generator and report writer behind `make bench`.
//!
//! - `loadgen fake-model --latency-ms N [--tokens-per-s R]`: an OpenAI-compatible model on
//!   127.0.0.1 (the tests' fake), printing its URL, until killed: N ms to the first token,
//!   then R tokens a second (streamed when asked to; unset: the whole answer at once),
//!   reporting the tokens each answer used as a provider counts them (its prompt cache too).
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
        /// Time to the first token.
        #[arg(long, default_value_t = 0)]
        latency_ms: u64,
        /// Tokens written per second after the first; unset: the whole answer at once.
        #[arg(long)]
        tokens_per_s: Option<f64>,
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
        Command::FakeModel { latency_ms, tokens_per_s } => {
            use test_support::fake_model::{FakeModel, Pace};
            let model = FakeModel::start().await?;
            model.count_usage();
            let first_token = std::time::Duration::from_millis(latency_ms);
            model.set_pace(tokens_per_s.map_or(Pace::fixed(first_token), |rate| Pace::streaming(first_token, rate)));
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
