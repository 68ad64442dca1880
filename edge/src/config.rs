//! The edge's configuration, read once from the environment (or flags) at start.

use std::{net::SocketAddr, path::PathBuf};

use clap::Parser;

/// Everything the edge needs to know before it starts.
#[derive(Parser, Debug, Clone)]
#[command(name = "edge", about = "REST/JSON edge of the resume service", version)]
pub struct Config {
    /// Address the REST API listens on.
    #[arg(long, env = "EDGE_ADDR", default_value = "127.0.0.1:8080")]
    pub edge_addr: SocketAddr,
    /// Where the server is: one URL or a comma-separated list to balance across.
    #[arg(long, env = "SERVER_URL", default_value = "http://127.0.0.1:50051", value_delimiter = ',')]
    pub server_url: Vec<String>,
    /// Origins allowed to call the API from a browser, comma-separated.
    #[arg(long, env = "CORS_ALLOWED_ORIGINS", value_delimiter = ',')]
    pub cors_allowed_origins: Vec<String>,
    /// The built web app, served at `/`.
    #[arg(long, env = "WEB_DIR", default_value = "web/dist")]
    pub web_dir: PathBuf,
    /// The largest file (or pasted text) an import takes, in bytes: larger is 413.
    #[arg(long, env = "IMPORT_MAX_BYTES", default_value_t = 5 * 1024 * 1024)]
    pub import_max_bytes: usize,
    /// The OpenID Connect issuer the web app signs in with (the server verifies its tokens).
    #[command(flatten)]
    pub oidc: runtime::oidc::Settings,
}

impl Config {
    /// Checks what the types cannot.
    pub fn validate(&self) -> Result<(), String> {
        if self.server_url.iter().any(|u| !(u.starts_with("http://") || u.starts_with("https://"))) {
            return Err("SERVER_URL must be http:// or https:// URLs".into());
        }
        self.oidc.validate()?;
        for origin in &self.cors_allowed_origins {
            if origin.trim().parse::<http::HeaderValue>().is_err() {
                return Err(format!("CORS_ALLOWED_ORIGINS has an invalid origin {origin:?}"));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_lists() {
        let c = Config::try_parse_from([
            "edge",
            "--server-url",
            "http://a:1,http://b:2",
            "--cors-allowed-origins",
            "http://localhost:5173",
        ])
        .unwrap();
        assert_eq!(c.server_url.len(), 2);
        assert!(c.validate().is_ok());
        let bad = Config::try_parse_from(["edge", "--server-url", "a:1"]).unwrap();
        assert!(bad.validate().is_err());
        let half = Config::try_parse_from(["edge", "--oidc-issuer", "https://id.example.com"]).unwrap();
        assert!(half.validate().unwrap_err().contains("OIDC_CLIENT_ID"));
    }
}
