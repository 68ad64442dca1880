//! The worker's configuration, read once from the environment (or flags) at start.

use std::{fmt, net::SocketAddr};

use clap::Parser;
use runtime::shared::Shared;

/// Everything a worker needs to know before it starts.
#[derive(Parser, Clone)]
#[command(name = "worker", about = "Takes resume tasks off Redis and builds them", version)]
pub struct Config {
    /// Where the server is: one URL or a comma-separated list to balance across.
    #[arg(long, env = "SERVER_URL", default_value = "http://127.0.0.1:50051", value_delimiter = ',')]
    pub server_url: Vec<String>,
    /// Redis and the JWT secret (the worker signs its own worker-role token with it), as
    /// the servers have them.
    #[command(flatten)]
    pub shared: Shared,
    /// Tasks this worker runs at once.
    #[arg(long, env = "WORKER_CONCURRENCY", default_value_t = 2)]
    pub concurrency: usize,
    /// Address of the metrics and health endpoint.
    #[arg(long, env = "WORKER_METRICS_ADDR", default_value = "127.0.0.1:9102")]
    pub metrics_addr: SocketAddr,
    /// This worker's id in the registry; made from host and process id when unset.
    #[arg(long, env = "WORKER_ID")]
    pub worker_id: Option<String>,
    /// Key of the OpenAI-compatible model service; unset means the offline generator.
    #[arg(long, env = "OPENAI_API_KEY", hide_env_values = true)]
    pub openai_api_key: Option<String>,
    /// Base URL of the OpenAI-compatible model service.
    #[arg(long, env = "OPENAI_BASE_URL", default_value = "https://api.openai.com/v1")]
    pub openai_base_url: String,
    /// The model to ask.
    #[arg(long, env = "OPENAI_MODEL", default_value = "gpt-4o-mini")]
    pub openai_model: String,
    /// The most model calls one resume makes at once, the main-sections call counted: the
    /// experience of a long career is split over up to this many less one (at least 2).
    #[arg(long, env = "MODEL_MAX_PARALLEL_CALLS", default_value_t = 4)]
    pub model_max_parallel_calls: usize,
    /// Stream the model's replies (progress moves as they come); `0` waits for each whole.
    #[arg(long, env = "MODEL_STREAM", default_value_t = true, action = clap::ArgAction::Set,
          value_parser = clap::builder::BoolishValueParser::new())]
    pub model_stream: bool,
    /// Attempt k+1 starts base·2^(k-1) after attempt k failed.
    #[arg(long, env = "RETRY_BASE_DELAY_MS", default_value_t = 4000)]
    pub retry_base_delay_ms: u64,
    /// After this many failed attempts a job is FAILURE.
    #[arg(long, env = "MAX_ATTEMPTS", default_value_t = 3)]
    pub max_attempts: u32,
    /// Lifetime of a cached result in seconds; 0 turns the cache off.
    #[arg(long, env = "RESULT_CACHE_TTL_SECS", default_value_t = 3600)]
    pub result_cache_ttl_secs: u64,
    /// Task starts that call the model, per minute, across all workers; 0 is unlimited.
    #[arg(long, env = "TASK_RATE_LIMIT_PER_MIN", default_value_t = 10)]
    pub task_rate_limit_per_min: u64,
}

impl Config {
    /// Checks what the types cannot.
    pub fn validate(&self) -> Result<(), String> {
        self.shared.validate()?;
        if self.max_attempts == 0 {
            return Err("MAX_ATTEMPTS must be at least 1".into());
        }
        if self.openai_api_key.as_deref().is_some_and(|k| k.trim().is_empty()) {
            return Err("OPENAI_API_KEY is set but empty".into());
        }
        if !(2..=16).contains(&self.model_max_parallel_calls) {
            return Err("MODEL_MAX_PARALLEL_CALLS must be between 2 and 16".into());
        }
        if !(1..=1024).contains(&self.concurrency) {
            return Err("WORKER_CONCURRENCY must be between 1 and 1024".into());
        }
        if self.server_url.iter().any(|u| !(u.starts_with("http://") || u.starts_with("https://"))) {
            return Err("SERVER_URL must be http:// or https:// URLs".into());
        }
        Ok(())
    }

    /// The worker id to register under.
    pub fn worker_id(&self) -> String {
        self.worker_id.clone().unwrap_or_else(|| format!("{}-{}", host_name(), std::process::id()))
    }
}

/// This machine's name, for the worker registry.
pub fn host_name() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .map(|s| s.trim().to_owned())
        .ok()
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "localhost".to_owned())
}

impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Config")
            .field("server_url", &self.server_url)
            .field("shared", &self.shared)
            .field("concurrency", &self.concurrency)
            .field("metrics_addr", &self.metrics_addr)
            .field("worker_id", &self.worker_id)
            .field("openai_api_key", &self.openai_api_key.as_ref().map(|_| "<redacted>"))
            .field("openai_base_url", &self.openai_base_url)
            .field("openai_model", &self.openai_model)
            .field("model_max_parallel_calls", &self.model_max_parallel_calls)
            .field("model_stream", &self.model_stream)
            .field("retry_base_delay_ms", &self.retry_base_delay_ms)
            .field("max_attempts", &self.max_attempts)
            .field("result_cache_ttl_secs", &self.result_cache_ttl_secs)
            .field("task_rate_limit_per_min", &self.task_rate_limit_per_min)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_a_server_list_and_hides_the_secret() {
        let c = Config::try_parse_from([
            "worker",
            "--jwt-secret",
            "hunter2",
            "--server-url",
            "http://a:1,http://b:2",
            "--redis-url",
            "redis://:pw@r:6379",
            "--openai-api-key",
            "sk-very-secret",
        ])
        .unwrap();
        assert_eq!(c.server_url, ["http://a:1", "http://b:2"]);
        assert!(c.validate().is_ok());
        let shown = format!("{c:?}");
        assert!(!shown.contains("hunter2") && !shown.contains("pw@"), "{shown}");
        assert!(!shown.contains("sk-very-secret"), "{shown}");
    }

    #[test]
    fn streams_with_four_calls_unless_told_otherwise() {
        let c = Config::try_parse_from(["worker", "--jwt-secret", "k"]).unwrap();
        assert_eq!((c.model_max_parallel_calls, c.model_stream), (4, true));
        let c = Config::try_parse_from(["worker", "--jwt-secret", "k", "--model-stream", "0"]).unwrap();
        assert!(!c.model_stream);
        let c = Config::try_parse_from(["worker", "--jwt-secret", "k", "--model-max-parallel-calls", "1"]).unwrap();
        assert!(c.validate().is_err(), "one call cannot hold main sections and experience");
    }

    #[test]
    fn rejects_zero_concurrency() {
        let c = Config::try_parse_from(["worker", "--jwt-secret", "k", "--concurrency", "0"]).unwrap();
        assert!(c.validate().is_err());
    }
}
