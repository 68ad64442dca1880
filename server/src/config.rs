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
    /// What each model's tokens cost, `model=prompt:completion[:cached]` in USD per 1,000
    /// tokens, comma-separated (`cached`: a prompt token read from the provider's prompt
    /// cache; the prompt price when absent). A job is priced at the model that ran it (one
    /// older than that record at `OPENAI_MODEL`'s); a model with no price costs 0.
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
    /// What each user may spend on the model per calendar month (UTC), in USD; 0 is no
    /// budget. An admin may set a user's own in its place.
    #[arg(long, env = "USER_MONTHLY_BUDGET_USD", default_value_t = 0.0)]
    pub user_monthly_budget_usd: f64,
}

/// A model's price in USD per 1,000 tokens.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ModelPrice {
    pub model: String,
    pub prompt_per_1k: f64,
    pub completion_per_1k: f64,
    /// A prompt token read from the provider's prompt cache; `None`: the prompt price.
    pub cached_per_1k: Option<f64>,
}

/// A job's tokens: `cached` are the part of `prompt` the provider read from its cache.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Tokens {
    pub prompt: i64,
    pub cached: i64,
    pub completion: i64,
}

impl std::ops::AddAssign for Tokens {
    fn add_assign(&mut self, other: Tokens) {
        self.prompt += other.prompt;
        self.cached += other.cached;
        self.completion += other.completion;
    }
}

impl ModelPrice {
    /// `model=prompt:completion[:cached]`, e.g. `gpt-4o-mini=0.00015:0.0006:0.000075`.
    fn parse(text: &str) -> Result<ModelPrice, String> {
        let bad =
            || format!("MODEL_PRICES entry {text:?} must be model=prompt:completion[:cached] (USD per 1,000 tokens)");
        let (model, prices) = text.trim().split_once('=').ok_or_else(bad)?;
        let price = |p: &str| p.trim().parse::<f64>().ok().filter(|p| p.is_finite() && *p >= 0.0).ok_or_else(bad);
        let (prompt, completion, cached) = match prices.split(':').collect::<Vec<_>>()[..] {
            [prompt, completion] => (price(prompt)?, price(completion)?, None),
            [prompt, completion, cached] => (price(prompt)?, price(completion)?, Some(price(cached)?)),
            _ => return Err(bad()),
        };
        let model = model.trim();
        if model.is_empty() {
            return Err(bad());
        }
        Ok(ModelPrice {
            model: model.to_owned(),
            prompt_per_1k: prompt,
            completion_per_1k: completion,
            cached_per_1k: cached,
        })
    }

    /// What a cached prompt token costs per 1,000.
    fn cached_price(&self) -> f64 {
        self.cached_per_1k.unwrap_or(self.prompt_per_1k)
    }

    /// What `tokens` cost: the uncached prompt at the prompt price, the cached part at the
    /// cached price, the completion at its own.
    pub fn cost(&self, tokens: Tokens) -> f64 {
        let Tokens { prompt, cached, completion } = tokens;
        let cached = cached.clamp(0, prompt.max(0));
        ((prompt - cached) as f64 * self.prompt_per_1k
            + cached as f64 * self.cached_price()
            + completion as f64 * self.completion_per_1k)
            / 1000.0
    }

    /// What reading `tokens.cached` from the provider's cache saved against the prompt price.
    pub fn cache_savings(&self, tokens: Tokens) -> f64 {
        let cached = tokens.cached.clamp(0, tokens.prompt.max(0));
        cached as f64 * (self.prompt_per_1k - self.cached_price()) / 1000.0
    }
}

/// Every model's price, and the model a job that names none is priced at.
#[derive(Clone, Debug, Default)]
pub struct Prices {
    pub listed: Vec<ModelPrice>,
    /// `OPENAI_MODEL`: jobs older than the model column ran on it.
    pub default_model: String,
}

impl Prices {
    /// The price of `model` (of the default model when `None`); free when it has none (the
    /// offline generator, a model `MODEL_PRICES` does not name).
    pub fn of(&self, model: Option<&str>) -> ModelPrice {
        let model = model.unwrap_or(&self.default_model);
        self.listed
            .iter()
            .find(|p| p.model == model)
            .cloned()
            .unwrap_or_else(|| ModelPrice { model: model.to_owned(), ..ModelPrice::default() })
    }
}

impl Config {
    /// The generator workers use, as it goes into cache keys.
    pub fn generator(&self) -> String {
        resume_proto::redis::cache::generator(self.openai_api_key.as_ref().map(|_| self.openai_model.as_str()))
    }

    /// The prices jobs are costed at, by the model that ran each (`OPENAI_MODEL` for jobs
    /// that name none); a model without a price is free (the offline generator uses no
    /// tokens).
    pub fn prices(&self) -> Prices {
        let model = &self.openai_model;
        if self.openai_api_key.is_some() && !self.model_prices.iter().any(|p| p.model == *model) {
            tracing::warn!(model, "MODEL_PRICES names no price for OPENAI_MODEL: its jobs cost 0");
        }
        Prices { listed: self.model_prices.clone(), default_model: model.clone() }
    }

    /// The monthly budget of a user without one of their own; `None`: no budget.
    pub fn monthly_budget(&self) -> Option<f64> {
        (self.user_monthly_budget_usd > 0.0).then_some(self.user_monthly_budget_usd)
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
        if !(self.user_monthly_budget_usd.is_finite() && self.user_monthly_budget_usd >= 0.0) {
            return Err("USER_MONTHLY_BUDGET_USD must be a number of dollars, 0 or more (0: no budget)".into());
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
            .field("user_monthly_budget_usd", &self.user_monthly_budget_usd)
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

    fn tokens(prompt: i64, cached: i64, completion: i64) -> Tokens {
        Tokens { prompt, cached, completion }
    }

    #[test]
    fn prices_are_read_per_model_and_bad_ones_named() {
        let c = config(&["--jwt-secret", "k", "--model-prices", "a=0.001:0.002:0.0005, gpt-4o-mini=0.00015:0.0006"]);
        let prices = c.prices();
        assert_eq!(prices.of(None).prompt_per_1k, 0.00015);
        assert!((prices.of(None).cost(tokens(1000, 0, 2000)) - 0.00135).abs() < 1e-12);
        // Without a cached price, a cached token costs a prompt token's.
        assert!((prices.of(None).cost(tokens(1000, 600, 2000)) - 0.00135).abs() < 1e-12);
        assert_eq!(prices.of(None).cache_savings(tokens(1000, 600, 0)), 0.0);
        // With one: 400 at 0.001 + 600 at 0.0005 + 2000 at 0.002 per 1,000.
        assert!((prices.of(Some("a")).cost(tokens(1000, 600, 2000)) - 0.0047).abs() < 1e-12);
        assert!((prices.of(Some("a")).cache_savings(tokens(1000, 600, 0)) - 0.0003).abs() < 1e-12);
        // More cached than prompt tokens is read as all of the prompt cached.
        assert_eq!(prices.of(Some("a")).cost(tokens(10, 50, 0)), prices.of(Some("a")).cost(tokens(10, 10, 0)));
        assert_eq!(prices.of(Some(resume_proto::job::OFFLINE_MODEL)).cost(tokens(1000, 0, 1000)), 0.0);
        let c = config(&["--jwt-secret", "k", "--openai-model", "other"]);
        assert_eq!(c.prices().of(None).cost(tokens(1000, 0, 1000)), 0.0);
        for bad in ["a", "a=1", "=1:2", "a=x:1", "a=-1:1", "a=1:2:x", "a=1:2:3:4", "a=1:2:-1"] {
            let parsed = Config::try_parse_from(["server", "--jwt-secret", "k", "--model-prices", bad]);
            assert!(parsed.is_err_and(|e| e.to_string().contains("model=prompt:completion[:cached]")), "{bad}");
        }
    }

    #[test]
    fn a_budget_of_zero_is_none_and_a_negative_one_refused() {
        assert_eq!(config(&["--jwt-secret", "k"]).monthly_budget(), None);
        assert_eq!(config(&["--jwt-secret", "k", "--user-monthly-budget-usd", "2.5"]).monthly_budget(), Some(2.5));
        assert!(config(&["--jwt-secret", "k", "--user-monthly-budget-usd=-1"]).validate().is_err());
    }
}
