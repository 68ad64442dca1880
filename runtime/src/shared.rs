//! The configuration server and worker share, defined and checked once: where Redis is,
//! the key prefix of the deployment, and the JWT secret. Each process flattens it into
//! its own typed configuration.

use std::fmt;

use clap::Args;
use resume_proto::redis::Keys;

/// What server and worker must agree on.
#[derive(Args, Clone)]
pub struct Shared {
    /// The Redis that carries the queues, progress events, caches and worker registry.
    #[arg(long, env = "REDIS_URL", default_value = "redis://127.0.0.1:6379")]
    pub redis_url: String,
    /// `REDIS_URL` names a node of a Redis Cluster.
    #[arg(long, env = "REDIS_CLUSTER")]
    pub redis_cluster: bool,
    /// Hash tag every Redis key lives under, so that deployments (and tests) can share a
    /// Redis; server and workers must use the same.
    #[arg(long, env = "REDIS_KEY_PREFIX", default_value = "resume")]
    pub redis_key_prefix: String,
    /// HS256 key of user tokens, and of the tokens workers sign for themselves.
    #[arg(long, env = "JWT_SECRET", hide_env_values = true)]
    pub jwt_secret: String,
}

impl Shared {
    /// Checks what the types cannot: a usable secret and a prefix that is a hash tag.
    pub fn validate(&self) -> Result<(), String> {
        if self.jwt_secret.trim().is_empty() {
            return Err("JWT_SECRET must not be empty".into());
        }
        if self.redis_key_prefix.is_empty() || self.redis_key_prefix.contains(['{', '}']) {
            return Err("REDIS_KEY_PREFIX must be non-empty and contain no braces".into());
        }
        if !(self.redis_url.starts_with("redis://") || self.redis_url.starts_with("rediss://")) {
            return Err("REDIS_URL must start with redis:// or rediss://".into());
        }
        Ok(())
    }

    /// The deployment's Redis key names.
    pub fn keys(&self) -> Keys {
        Keys::new(&self.redis_key_prefix)
    }

    /// A client builder for the deployment's Redis (see [`crate::redis::builder`]).
    pub fn redis(&self) -> Result<fred::types::Builder, fred::error::Error> {
        crate::redis::builder(&self.redis_url, self.redis_cluster)
    }
}

impl fmt::Debug for Shared {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Shared")
            .field("redis_url", &redact_url(&self.redis_url))
            .field("redis_cluster", &self.redis_cluster)
            .field("redis_key_prefix", &self.redis_key_prefix)
            .field("jwt_secret", &"<redacted>")
            .finish()
    }
}

/// The URL with any password replaced, for logs.
pub fn redact_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let userinfo = &url[scheme + 3..at];
            let user = userinfo.split(':').next().unwrap_or_default();
            format!("{}://{user}:***@{}", &url[..scheme], &url[at + 1..])
        }
        _ => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::*;

    #[derive(Parser)]
    struct Process {
        #[command(flatten)]
        shared: Shared,
    }

    fn shared(args: &[&str]) -> Shared {
        Process::try_parse_from(std::iter::once("p").chain(args.iter().copied())).unwrap().shared
    }

    #[test]
    fn debug_output_hides_secrets() {
        let s = shared(&["--jwt-secret", "s3cret-value", "--redis-url", "rediss://app:pa55@r:6380"]);
        let shown = format!("{s:?}");
        assert!(!shown.contains("s3cret-value") && !shown.contains("pa55"), "{shown}");
        assert!(shown.contains("rediss://app:***@r:6380"), "{shown}");
    }

    #[test]
    fn refuses_an_empty_secret_a_prefix_with_braces_and_other_urls() {
        assert!(shared(&["--jwt-secret", " "]).validate().is_err());
        assert!(shared(&["--jwt-secret", "k", "--redis-key-prefix", "a}b"]).validate().is_err());
        assert!(shared(&["--jwt-secret", "k", "--redis-url", "http://r"]).validate().is_err());
        assert!(shared(&["--jwt-secret", "k"]).validate().is_ok());
    }
}
