//! How every process (server, worker, edge) logs and learns it must stop.

use std::{future::Future, io::IsTerminal, pin::Pin};

use tracing_subscriber::{EnvFilter, Layer, layer::SubscriberExt, util::SubscriberInitExt};

/// What keeps the process's telemetry running: with the `otel` feature and an OTLP
/// endpoint, the span exporter, which flushes its last spans when this is dropped (at the
/// end of `main`).
pub struct Telemetry {
    #[cfg(feature = "otel")]
    _exporter: Option<crate::telemetry::Exporter>,
}

/// Logs per `RUST_LOG` (default `info`): JSON lines when `LOG_FORMAT=json` (each with its
/// spans' fields: the trace and job ids), otherwise readable text, coloured only on a
/// terminal. With the `otel` feature, spans are also exported over OTLP when
/// `OTEL_EXPORTER_OTLP_ENDPOINT` is set, as `process` (see [`crate::telemetry`]).
pub fn init_logging(process: &str) -> Telemetry {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let format = if std::env::var("LOG_FORMAT").is_ok_and(|f| f == "json") {
        tracing_subscriber::fmt::layer().json().boxed()
    } else {
        tracing_subscriber::fmt::layer().with_ansi(std::io::stdout().is_terminal()).boxed()
    };
    let registry = tracing_subscriber::registry().with(filter).with(format);
    #[cfg(feature = "otel")]
    {
        let (layer, exporter) = crate::telemetry::layer(process).unzip();
        registry.with(layer).init();
        Telemetry { _exporter: exporter }
    }
    #[cfg(not(feature = "otel"))]
    {
        let _ = process;
        registry.init();
        Telemetry {}
    }
}

/// What tells a process's `run` to stop. Each `run` takes this boxed future and returns
/// its own work boxed, so that the work is compiled once, in its library: an `async fn`'s
/// body is compiled where it is polled, so a `run` that was an `async fn` (or generic over
/// its shutdown) was compiled again into the binary, with every generic it uses. Release
/// rebuild after a change to the server, one run each: its binary 43 s before, 1.5 s
/// after; its library and binary together 110 s of CPU before, 73 s after. (A cold build
/// of everything showed no change beyond its noise: 16 min 47 s of CPU both times.)
pub type Shutdown = Pin<Box<dyn Future<Output = ()> + Send>>;

/// Any failure of a process to start or keep running.
pub type StartError = Box<dyn std::error::Error + Send + Sync>;

/// A process's whole work, as its `run` returns it (see [`Shutdown`] for why boxed).
pub type Running = Pin<Box<dyn Future<Output = Result<(), StartError>> + Send>>;

/// Runs `serve` (which stops taking work and drains once `stopped` completes) to its end,
/// or until `deadline` after `stopped`, whichever comes first: open streams cannot keep a
/// stopping process alive.
pub async fn drain<E>(
    serve: impl Future<Output = Result<(), E>>,
    stopped: impl Future<Output = ()>,
    deadline: std::time::Duration,
) -> Result<(), E> {
    tokio::select! {
        served = serve => served,
        () = async { stopped.await; tokio::time::sleep(deadline).await } => {
            tracing::warn!(?deadline, "drain deadline passed; closing what is still open");
            Ok(())
        }
    }
}

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
