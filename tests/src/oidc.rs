//! A real OpenID Connect provider for the tests: panva's certified `oidc-provider`, run by
//! `tests/oidc/provider.mjs` in Node (its packages installed from `tests/oidc/package-lock.json`,
//! as `make test` does), on a free port, stopped when dropped. The script says which
//! clients, users, resources and keys it holds; [`Provider::token`] takes an access token
//! from its token endpoint (client credentials), [`Provider::rotate`] makes it sign with a
//! new key.

use std::{
    io::{BufRead, BufReader},
    path::Path,
    process::{Child, Command, Stdio},
};

use anyhow::{Context as _, Result, bail};
use serde_json::Value;

/// The app's client id at the provider: the audience of its API tokens.
pub const CLIENT_ID: &str = "resume-web";
/// Where the provider puts the roles (as Keycloak does).
pub const ROLES_CLAIM: &str = "realm_access.roles";

/// The provider's resources (RFC 8707), each giving access tokens of one kind.
#[derive(Debug, Clone, Copy)]
pub enum Resource {
    /// Audience `resume-web`, RS256, ten minutes.
    Api,
    /// The same, signed ES256.
    ApiEs256,
    /// Audience `resume-web`, RS256, two seconds.
    ApiShortLived,
    /// Audience `other-api`: a token for another service.
    OtherApi,
}

impl Resource {
    fn indicator(self) -> &'static str {
        match self {
            Resource::Api => "urn:resume:api",
            Resource::ApiEs256 => "urn:resume:api:es256",
            Resource::ApiShortLived => "urn:resume:api:short",
            Resource::OtherApi => "urn:other:api",
        }
    }
}

/// A running provider.
pub struct Provider {
    /// Its issuer URL (`http://127.0.0.1:PORT`), `OIDC_ISSUER`.
    pub issuer: String,
    child: Child,
    http: reqwest::Client,
}

impl Provider {
    /// Starts the provider; fails saying how to install it when its packages are missing.
    pub async fn start() -> Result<Provider> {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("oidc");
        if !dir.join("node_modules/oidc-provider").is_dir() {
            bail!("the test OIDC provider is not installed: run `cd tests/oidc && npm ci` (make test does)");
        }
        let mut child = Command::new("node")
            .arg(dir.join("provider.mjs"))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .context("starting node tests/oidc/provider.mjs (is Node.js installed?)")?;
        let stdout = child.stdout.take().context("the provider's stdout")?;
        let line = tokio::task::spawn_blocking(move || {
            let mut line = String::new();
            BufReader::new(stdout).read_line(&mut line).map(|_| line)
        })
        .await??;
        let ready: Value = serde_json::from_str(&line).with_context(|| format!("the provider said {line:?}"))?;
        let issuer = ready["issuer"].as_str().context("the provider named no issuer")?.to_owned();
        // reqwest is built with TLS but no crypto provider of its own; ring is ours.
        let _ = rustls::crypto::ring::default_provider().install_default();
        Ok(Provider { issuer, child, http: reqwest::Client::new() })
    }

    /// The settings that make servers and edge accept this provider's tokens.
    pub fn settings(&self) -> runtime::oidc::Settings {
        runtime::oidc::Settings {
            oidc_issuer: Some(self.issuer.clone()),
            oidc_client_id: Some(CLIENT_ID.into()),
            oidc_roles_claim: ROLES_CLAIM.into(),
        }
    }

    /// An access token of the client `robot-ops` (role `ops`) or `robot-user` (no role)
    /// for `resource`, from the token endpoint.
    pub async fn token(&self, client: &str, resource: Resource) -> Result<String> {
        // The indicators are URNs: only their colons need escaping in a form body.
        let form =
            format!("grant_type=client_credentials&scope=api&resource={}", resource.indicator().replace(':', "%3A"));
        let response = self
            .http
            .post(format!("{}/token", self.issuer))
            .basic_auth(client, Some("robot-secret"))
            .header(reqwest::header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(form)
            .send()
            .await?;
        let status = response.status();
        let body: Value = response.json().await?;
        if !status.is_success() {
            bail!("the token endpoint answered {status}: {body}");
        }
        Ok(body["access_token"].as_str().context("no access_token")?.to_owned())
    }

    /// Makes the provider sign with a new RS256 key from now on (the old ones stay
    /// published); the new key's id.
    pub async fn rotate(&self) -> Result<String> {
        let answer: Value = self.http.post(format!("{}/test/rotate", self.issuer)).send().await?.json().await?;
        Ok(answer["kid"].as_str().context("no kid")?.to_owned())
    }
}

impl Drop for Provider {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
