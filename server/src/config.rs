//! The server's configuration, read once from the environment (or flags) at start.

use std::{fmt, net::SocketAddr};

use clap::Parser;
use runtime::shared::{Shared, redact_url};

/// Everything the server needs to know before it starts.
#[derive(Parser, Clone)]
#[command(name = "server", about = "resume.v1 gRPC API server", version)]
pub struct Config {
    /// Address the gRPC API listens on.
    #[arg(long, env = "SERVER_ADDR", default_value = "127.0.0.1:50051")]
    pub server_addr: SocketAddr,
    /// Address of the server's `/metrics`.
    #[arg(long, env = "SERVER_METRICS_ADDR", default_value = "127.0.0.1:9101")]
    pub server_metrics_addr: SocketAddr,
    /// `sqlite://…` or `postgres://…`.
    #[arg(long, env = "DATABASE_URL", default_value = "sqlite://.data/resume.db?mode=rwc")]
    pub database_url: String,
    /// Redis and the JWT secret, as the workers have them.
    #[command(flatten)]
    pub shared: Shared,
    /// Read only to know whether workers ask a model (it goes into cache keys); the
    /// server never calls the model.
    #[arg(long, env = "OPENAI_API_KEY", hide_env_values = true)]
    pub openai_api_key: Option<String>,
    /// The model workers ask (part of cache keys).
    #[arg(long, env = "OPENAI_MODEL", default_value = "gpt-4o-mini")]
    pub openai_model: String,
    /// Origins allowed to call gRPC-Web from a browser, comma-separated.
    #[arg(long, env = "CORS_ALLOWED_ORIGINS", value_delimiter = ',')]
    pub cors_allowed_origins: Vec<String>,
    /// Requests per user per minute, across every server; 0 is unlimited.
    #[arg(long, env = "API_RATE_LIMIT_PER_MIN", default_value_t = 100)]
    pub api_rate_limit_per_min: u64,
    /// Generated content younger than this many days is reused from the database before
    /// the model is called; 0 turns that off.
    #[arg(long, env = "CONTENT_REUSE_DAYS", default_value_t = 30)]
    pub content_reuse_days: u32,
    /// Timeline entries, lost-worker records and finished jobs' files and contents older
    /// than this many days are deleted; 0 keeps everything.
    #[arg(long, env = "RETENTION_DAYS", default_value_t = 30)]
    pub retention_days: u32,
    /// What each model's tokens cost, `model=prompt:completion` in USD per 1,000 tokens,
    /// comma-separated; the console prices jobs at `OPENAI_MODEL`'s.
    #[arg(long, env = "MODEL_PRICES", value_delimiter = ',', value_parser = ModelPrice::parse,
        default_value = "gpt-4o-mini=0.00015:0.0006")]
    pub model_prices: Vec<ModelPrice>,
    /// The largest file (or pasted text) an import takes, in bytes.
    #[arg(long, env = "IMPORT_MAX_BYTES", default_value_t = 5 * 1024 * 1024)]
    pub import_max_bytes: usize,
    /// The OpenID Connect issuer whose access tokens are accepted beside HS256 ones.
    #[command(flatten)]
    pub oidc: runtime::oidc::Settings,
    /// The most items (candidates) one batch takes.
    #[arg(long, env = "BATCH_MAX_ITEMS", default_value_t = 500)]
    pub batch_max_items: usize,
}

/// A model's price in USD per 1,000 tokens.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ModelPrice {
    pub model: String,
    pub prompt_per_1k: f64,
    pub completion_per_1k: f64,
}

impl ModelPrice {
    /// `model=prompt:completion`, e.g. `gpt-4o-mini=0.00015:0.0006`.
    fn parse(text: &str) -> Result<ModelPrice, String> {
        let bad = || format!("MODEL_PRICES entry {text:?} must be model=prompt:completion (USD per 1,000 tokens)");
        let (model, prices) = text.trim().split_once('=').ok_or_else(bad)?;
        let (prompt, completion) = prices.split_once(':').ok_or_else(bad)?;
        let price = |p: &str| p.trim().parse::<f64>().ok().filter(|p| p.is_finite() && *p >= 0.0).ok_or_else(bad);
        let model = model.trim();
        if model.is_empty() {
            return Err(bad());
        }
        Ok(ModelPrice { model: model.to_owned(), prompt_per_1k: price(prompt)?, completion_per_1k: price(completion)? })
    }

    /// What `prompt` and `completion` tokens cost.
    pub fn cost(&self, prompt: i64, completion: i64) -> f64 {
        (prompt as f64 * self.prompt_per_1k + completion as f64 * self.completion_per_1k) / 1000.0
    }
}

impl Config {
    /// The generator workers use, as it goes into cache keys.
    pub fn generator(&self) -> String {
        resume_proto::redis::cache::generator(self.openai_api_key.as_ref().map(|_| self.openai_model.as_str()))
    }

    /// The price jobs are costed at: `OPENAI_MODEL`'s, free when it has none (or the
    /// offline generator makes the resumes: they use no tokens).
    pub fn price(&self) -> ModelPrice {
        let model = &self.openai_model;
        self.model_prices.iter().find(|p| p.model == *model).cloned().unwrap_or_else(|| {
            if self.openai_api_key.is_some() {
                tracing::warn!(model, "MODEL_PRICES names no price for OPENAI_MODEL: the console shows its cost as 0");
            }
            ModelPrice { model: model.clone(), ..ModelPrice::default() }
        })
    }

    /// How long finished jobs' files and timelines are kept; `None`: for good.
    pub fn retention(&self) -> Option<chrono::TimeDelta> {
        (self.retention_days > 0).then(|| chrono::TimeDelta::days(self.retention_days.into()))
    }

    /// Checks what the types cannot: a usable secret and a database URL we support.
    pub fn validate(&self) -> Result<(), String> {
        self.shared.validate()?;
        self.oidc.validate()?;
        if !(self.database_url.starts_with("sqlite:") || self.database_url.starts_with("postgres")) {
            return Err("DATABASE_URL must start with sqlite: or postgres://".into());
        }
        if self.batch_max_items == 0 {
            return Err("BATCH_MAX_ITEMS must be at least 1".into());
        }
        Ok(())
    }
}

impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Config")
            .field("server_addr", &self.server_addr)
            .field("server_metrics_addr", &self.server_metrics_addr)
            .field("database_url", &redact_url(&self.database_url))
            .field("shared", &self.shared)
            .field("openai_api_key", &self.openai_api_key.as_ref().map(|_| "<redacted>"))
            .field("openai_model", &self.openai_model)
            .field("cors_allowed_origins", &self.cors_allowed_origins)
            .field("api_rate_limit_per_min", &self.api_rate_limit_per_min)
            .field("content_reuse_days", &self.content_reuse_days)
            .field("retention_days", &self.retention_days)
            .field("model_prices", &self.model_prices)
            .field("import_max_bytes", &self.import_max_bytes)
            .field("oidc", &self.oidc)
            .field("batch_max_items", &self.batch_max_items)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(args: &[&str]) -> Config {
        Config::try_parse_from(std::iter::once("server").chain(args.iter().copied())).unwrap()
    }

    #[test]
    fn debug_output_hides_secrets() {
        let c = config(&["--jwt-secret", "s3cret-value", "--database-url", "postgres://app:pa55@db:5432/x"]);
        let shown = format!("{c:?}");
        assert!(!shown.contains("s3cret-value"), "{shown}");
        assert!(!shown.contains("pa55"), "{shown}");
        assert!(shown.contains("postgres://app:***@db:5432/x"), "{shown}");
    }

    #[test]
    fn rejects_an_empty_secret_and_unknown_databases() {
        assert!(config(&["--jwt-secret", " "]).validate().is_err());
        assert!(config(&["--jwt-secret", "k", "--database-url", "mysql://x"]).validate().is_err());
        assert!(config(&["--jwt-secret", "k"]).validate().is_ok());
        assert!(config(&["--jwt-secret", "k", "--oidc-issuer", "https://id.example.com"]).validate().is_err());
        assert_eq!(config(&["--jwt-secret", "k"]).batch_max_items, 500);
        assert!(config(&["--jwt-secret", "k", "--batch-max-items", "0"]).validate().is_err());
    }

    #[test]
    fn prices_are_read_per_model_and_bad_ones_named() {
        let c = config(&["--jwt-secret", "k", "--model-prices", "a=0.001:0.002, gpt-4o-mini=0.00015:0.0006"]);
        assert_eq!(c.price().prompt_per_1k, 0.00015);
        assert!((c.price().cost(1000, 2000) - 0.00135).abs() < 1e-12);
        let c = config(&["--jwt-secret", "k", "--openai-model", "other"]);
        assert_eq!(c.price().cost(1000, 1000), 0.0);
        for bad in ["a", "a=1", "=1:2", "a=x:1", "a=-1:1"] {
            let parsed = Config::try_parse_from(["server", "--jwt-secret", "k", "--model-prices", bad]);
            assert!(parsed.is_err_and(|e| e.to_string().contains("model=prompt:completion")), "{bad}");
        }
    }
}
