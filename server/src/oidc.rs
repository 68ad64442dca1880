//! Access tokens of an OpenID Connect provider (`OIDC_ISSUER`), beside the HS256 tokens of
//! `JWT_SECRET`.
//!
//! A token is the issuer's when its header says RS256 or ES256. It is verified with the key
//! its `kid` names in the issuer's JWKS (found through `${OIDC_ISSUER}/.well-known/
//! openid-configuration`), and must carry `iss` = `OIDC_ISSUER` exactly, an `aud` that is
//! or contains `OIDC_CLIENT_ID`, an `exp` still ahead (no leeway) and a non-empty `sub`.
//! The `sub` is the caller's user id as it stands (owner of what they create); the roles
//! are the values at `OIDC_ROLES_CLAIM` (a claim name or a dotted path such as
//! `realm_access.roles`; an array of strings, or one string of space-separated names)
//! that are one of ours, `ops` or `admin`: anything else there is ignored, and the
//! workers' `worker` role is never taken from an issuer.
//!
//! Keys are cached in the process: fetched on the first such token (and once at start,
//! so the first request does not wait), again when a token names a `kid` the cache lacks
//! (the issuer rotated its keys), and when the cache is older than [`MAX_AGE`] (a
//! withdrawn key stops working). Fetches are serialised and at most one starts per
//! [`COOLDOWN`], so a flood of tokens with made-up `kid`s costs the issuer one request
//! per cooldown. Tokens are never logged.

use std::{
    collections::HashMap,
    sync::RwLock,
    time::{Duration, Instant},
};

use jsonwebtoken::{Algorithm, DecodingKey, Header, Validation, decode, jwk::Jwk};
use serde::Deserialize;
use serde_json::Value;
use tokio::sync::Mutex;
use tonic::Status;

use runtime::oidc::Settings;

use crate::auth::Caller;

/// The roles an issuer's token may grant: the operators' (the workers' is ours alone).
const GRANTABLE: &[&str] = &["ops", "admin"];
/// The least time between two fetches of the keys.
pub const COOLDOWN: Duration = Duration::from_secs(5);
/// Keys older than this are fetched again before they are used (on failure the old
/// ones go on serving, with a warning).
pub const MAX_AGE: Duration = Duration::from_secs(3600);
/// How long one request to the issuer may take.
const FETCH_TIMEOUT: Duration = Duration::from_secs(5);

/// The part of the discovery document we read.
#[derive(Deserialize)]
struct Discovery {
    issuer: String,
    jwks_uri: String,
}

/// The keys as last fetched.
#[derive(Default)]
struct Keys {
    /// Signing keys by `kid`.
    by_kid: HashMap<String, DecodingKey>,
    /// When they were fetched; `None` before the first success.
    fetched: Option<Instant>,
}

/// The state of fetching, behind one lock so that fetches never overlap.
#[derive(Default)]
struct Fetching {
    /// When the last fetch started.
    last: Option<Instant>,
    /// Whether it failed (then a token whose key is missing meets 503, not 401).
    failed: bool,
    /// The JWKS address from discovery, kept once known.
    jwks_uri: Option<String>,
}

/// One issuer's token verifier with its cached keys.
pub struct Issuer {
    issuer: String,
    client_id: String,
    /// `OIDC_ROLES_CLAIM`, split at its dots.
    roles_path: Vec<String>,
    http: reqwest::Client,
    keys: RwLock<Keys>,
    fetching: Mutex<Fetching>,
}

impl Issuer {
    /// The issuer `settings` name, when they name one.
    pub fn configured(settings: &Settings) -> Option<Issuer> {
        let (issuer, client_id) = (settings.oidc_issuer.as_ref()?, settings.oidc_client_id.as_ref()?);
        Some(Issuer::new(issuer, client_id, &settings.oidc_roles_claim))
    }

    /// A verifier for `issuer`'s tokens for `client_id`, reading roles at `roles_claim`.
    pub fn new(issuer: &str, client_id: &str, roles_claim: &str) -> Issuer {
        // reqwest is built with TLS but no crypto provider of its own; ring is ours.
        let _ = rustls::crypto::ring::default_provider().install_default();
        Issuer {
            issuer: issuer.to_owned(),
            client_id: client_id.to_owned(),
            roles_path: roles_claim.split('.').map(str::to_owned).collect(),
            http: reqwest::Client::builder().timeout(FETCH_TIMEOUT).build().unwrap_or_default(),
            keys: RwLock::default(),
            fetching: Mutex::default(),
        }
    }

    /// Fetches the keys once, so that the first token need not wait; a failure is
    /// logged (tokens will try again).
    pub async fn warm_up(&self) {
        if let Err(why) = self.refresh(Instant::now()).await {
            tracing::warn!(issuer = %self.issuer, error = %why, "the OIDC issuer's keys could not be fetched yet");
        }
    }

    /// The caller of `token`, whose (already decoded) header is `header`.
    pub async fn verify(&self, token: &str, header: &Header) -> Result<Caller, Status> {
        let alg = header.alg;
        if !matches!(alg, Algorithm::RS256 | Algorithm::ES256) {
            return Err(Status::unauthenticated("token algorithm must be HS256, RS256 or ES256"));
        }
        let kid = header.kid.as_deref().ok_or_else(|| Status::unauthenticated("token has no kid"))?;
        let key = self.key(kid).await?;
        let mut validation = Validation::new(alg);
        validation.set_required_spec_claims(&["exp", "sub", "iss", "aud"]);
        validation.set_issuer(&[&self.issuer]);
        validation.set_audience(&[&self.client_id]);
        validation.leeway = 0;
        let claims = decode::<Value>(token, &key, &validation).map_err(|e| Status::unauthenticated(why(&e)))?.claims;
        let sub = claims.get("sub").and_then(Value::as_str).unwrap_or_default();
        if sub.trim().is_empty() {
            return Err(Status::unauthenticated("token sub must not be empty"));
        }
        Ok(Caller { user_id: sub.to_owned(), roles: roles_at(&claims, &self.roles_path) })
    }

    /// The key named `kid`: from the cache, or fetched when missing or stale.
    async fn key(&self, kid: &str) -> Result<DecodingKey, Status> {
        let wanted_at = Instant::now();
        if let Some(key) = self.cached(kid, false) {
            return Ok(key);
        }
        let refreshed = self.refresh(wanted_at).await;
        if let Some(key) = self.cached(kid, true) {
            if let Err(why) = refreshed {
                tracing::warn!(issuer = %self.issuer, error = %why, "OIDC keys could not be refreshed: using the cached ones");
            }
            return Ok(key);
        }
        match refreshed {
            Ok(()) => Err(Status::unauthenticated("token is signed by a key the issuer does not publish")),
            Err(why) => {
                tracing::warn!(issuer = %self.issuer, error = %why, "OIDC keys could not be fetched");
                Err(Status::unavailable("the identity provider's keys could not be fetched; try again shortly"))
            }
        }
    }

    /// The cached key `kid`; a stale one only when `stale_ok`.
    fn cached(&self, kid: &str, stale_ok: bool) -> Option<DecodingKey> {
        let keys = self.keys.read().unwrap_or_else(std::sync::PoisonError::into_inner);
        let fresh = keys.fetched.is_some_and(|at| at.elapsed() < MAX_AGE);
        keys.by_kid.get(kid).filter(|_| fresh || stale_ok).cloned()
    }

    /// Fetches the keys, unless a fetch started after `wanted_at` (it already had the
    /// chance to find the key) or within the cooldown; then the outcome of that one.
    async fn refresh(&self, wanted_at: Instant) -> Result<(), String> {
        let mut fetching = self.fetching.lock().await;
        if let Some(last) = fetching.last
            && (last >= wanted_at || last.elapsed() < COOLDOWN)
        {
            return if fetching.failed { Err("the last fetch failed".into()) } else { Ok(()) };
        }
        fetching.last = Some(Instant::now());
        let fetched = self.fetch(&mut fetching.jwks_uri).await;
        fetching.failed = fetched.is_err();
        let by_kid = fetched?;
        tracing::info!(issuer = %self.issuer, keys = by_kid.len(), "fetched the OIDC issuer's keys");
        let mut keys = self.keys.write().unwrap_or_else(std::sync::PoisonError::into_inner);
        *keys = Keys { by_kid, fetched: Some(Instant::now()) };
        Ok(())
    }

    /// The issuer's signing keys (discovering the JWKS address first when unknown).
    async fn fetch(&self, jwks_uri: &mut Option<String>) -> Result<HashMap<String, DecodingKey>, String> {
        let uri = match jwks_uri {
            Some(uri) => uri.clone(),
            None => {
                let url = format!("{}/.well-known/openid-configuration", self.issuer.trim_end_matches('/'));
                let discovery: Discovery = self.get(&url).await?;
                if discovery.issuer != self.issuer {
                    return Err(format!(
                        "the discovery document names the issuer {:?}, not OIDC_ISSUER {:?}",
                        discovery.issuer, self.issuer
                    ));
                }
                jwks_uri.insert(discovery.jwks_uri).clone()
            }
        };
        let set: JwkSet = match self.get(&uri).await {
            Ok(set) => set,
            Err(why) => {
                // The address may have moved: discover it again next time.
                *jwks_uri = None;
                return Err(why);
            }
        };
        Ok(signing_keys(set))
    }

    async fn get<T: serde::de::DeserializeOwned>(&self, url: &str) -> Result<T, String> {
        let response = self.http.get(url).send().await.map_err(|e| format!("GET {url}: {e}"))?;
        let response = response.error_for_status().map_err(|e| format!("GET {url}: {e}"))?;
        response.json().await.map_err(|e| format!("GET {url}: {e}"))
    }
}

/// A JWKS, each key kept as JSON until it is read (one key of a kind we cannot use must
/// not spoil the others).
#[derive(Deserialize)]
struct JwkSet {
    keys: Vec<Value>,
}

/// The signing keys of `set` that have a `kid` and that we can verify with.
fn signing_keys(set: JwkSet) -> HashMap<String, DecodingKey> {
    set.keys
        .into_iter()
        .filter(|key| key.get("use").and_then(Value::as_str) != Some("enc"))
        .filter_map(|key| serde_json::from_value::<Jwk>(key).ok())
        .filter_map(|jwk| Some((jwk.common.key_id.clone()?, DecodingKey::from_jwk(&jwk).ok()?)))
        .collect()
}

/// Why a token failed verification, in words a client can act on.
fn why(error: &jsonwebtoken::errors::Error) -> &'static str {
    use jsonwebtoken::errors::ErrorKind;
    // ErrorKind is non-exhaustive: name the cases a client can act on.
    let kind = error.kind();
    if matches!(kind, ErrorKind::ExpiredSignature) {
        "token expired"
    } else if matches!(kind, ErrorKind::InvalidAudience) {
        "token audience is not this service (OIDC_CLIENT_ID)"
    } else if matches!(kind, ErrorKind::InvalidIssuer) {
        "token issuer is not OIDC_ISSUER"
    } else if matches!(kind, ErrorKind::InvalidSignature) {
        "token signature is invalid"
    } else if matches!(kind, ErrorKind::InvalidAlgorithm) {
        "token algorithm does not match its key"
    } else if matches!(kind, ErrorKind::MissingRequiredClaim(_)) {
        "token lacks a required claim (sub, exp, iss, aud)"
    } else {
        "token is malformed"
    }
}

/// Our roles among the values at `path` in `claims`.
fn roles_at(claims: &Value, path: &[String]) -> Vec<String> {
    let value = path.iter().try_fold(claims, |value, name| value.get(name));
    let names: Vec<&str> = match value {
        Some(Value::Array(items)) => items.iter().filter_map(Value::as_str).collect(),
        Some(Value::String(text)) => text.split_whitespace().collect(),
        _ => Vec::new(),
    };
    let mut roles: Vec<String> = names.into_iter().filter(|name| GRANTABLE.contains(name)).map(str::to_owned).collect();
    roles.sort_unstable();
    roles.dedup();
    roles
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn path(claim: &str) -> Vec<String> {
        claim.split('.').map(str::to_owned).collect()
    }

    #[test]
    fn roles_are_read_at_a_dotted_path_and_only_ours_are_kept() {
        let claims =
            json!({"roles": ["admin", "editor"], "realm_access": {"roles": ["ops", "worker"]}, "scope": "ops x"});
        assert_eq!(roles_at(&claims, &path("roles")), ["admin"]);
        assert_eq!(roles_at(&claims, &path("realm_access.roles")), ["ops"]);
        assert_eq!(roles_at(&claims, &path("scope")), ["ops"]);
        assert!(roles_at(&claims, &path("missing.roles")).is_empty());
        assert!(roles_at(&json!({"roles": {"admin": true}}), &path("roles")).is_empty());
    }

    #[test]
    fn keys_we_cannot_use_are_skipped() {
        let set: JwkSet = serde_json::from_value(json!({"keys": [
            {"kty": "EC", "crv": "P-256", "kid": "ec", "use": "sig", "alg": "ES256",
             "x": "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU", "y": "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"},
            {"kty": "EC", "crv": "P-256", "kid": "enc", "use": "enc",
             "x": "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU", "y": "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"},
            {"kty": "XYZ", "kid": "odd"},
            {"kty": "RSA", "e": "AQAB", "n": "sXchDaQebHnPiGvyDOAT4saGEUetSyo9MKLOoWFsueri23bOdgWp4Dy1Wl"}
        ]}))
        .unwrap();
        let keys = signing_keys(set);
        assert_eq!(keys.keys().collect::<Vec<_>>(), ["ec"]);
    }

    /// An issuer on 127.0.0.1 that publishes no keys and counts the JWKS requests (or,
    /// with `broken`, answers them 500).
    async fn idp(broken: bool) -> (String, std::sync::Arc<std::sync::atomic::AtomicUsize>) {
        use axum::{Json, Router, http::StatusCode, routing::get};
        use std::sync::{
            Arc,
            atomic::{AtomicUsize, Ordering},
        };
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let issuer = format!("http://{}", listener.local_addr().unwrap());
        let fetches = Arc::new(AtomicUsize::new(0));
        let discovery = json!({"issuer": issuer, "jwks_uri": format!("{issuer}/jwks")});
        let counted = fetches.clone();
        let app = Router::new()
            .route("/.well-known/openid-configuration", get(move || async move { Json(discovery) }))
            .route(
                "/jwks",
                get(move || async move {
                    counted.fetch_add(1, Ordering::SeqCst);
                    if broken { Err(StatusCode::INTERNAL_SERVER_ERROR) } else { Ok(Json(json!({"keys": []}))) }
                }),
            );
        tokio::spawn(async move { axum::serve(listener, app).await });
        (issuer, fetches)
    }

    /// A token whose header names `kid` (its payload and signature are never reached).
    fn token_naming(kid: &str) -> (String, Header) {
        let mut header = Header::new(Algorithm::RS256);
        header.kid = Some(kid.to_owned());
        (format!("{}.e30.c2ln", serde_json::to_string(&header).map(|h| base64url(&h)).unwrap()), header)
    }

    fn base64url(text: &str) -> String {
        use base64::Engine;
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(text)
    }

    #[tokio::test]
    async fn a_flood_of_unknown_kids_fetches_the_keys_once_per_cooldown() {
        let (url, fetches) = idp(false).await;
        let issuer = Issuer::new(&url, "app", "roles");
        for n in 0..50 {
            let (token, header) = token_naming(&format!("made-up-{n}"));
            let refused = issuer.verify(&token, &header).await.unwrap_err();
            assert_eq!(refused.code(), tonic::Code::Unauthenticated);
            assert_eq!(refused.message(), "token is signed by a key the issuer does not publish");
        }
        assert_eq!(fetches.load(std::sync::atomic::Ordering::SeqCst), 1);
    }

    #[tokio::test]
    async fn keys_that_cannot_be_fetched_are_a_503_not_a_401() {
        let (url, fetches) = idp(true).await;
        let issuer = Issuer::new(&url, "app", "roles");
        let (token, header) = token_naming("k");
        for _ in 0..3 {
            let refused = issuer.verify(&token, &header).await.unwrap_err();
            assert_eq!(refused.code(), tonic::Code::Unavailable, "{refused:?}");
        }
        assert_eq!(fetches.load(std::sync::atomic::Ordering::SeqCst), 1);
    }

    #[tokio::test]
    async fn other_algorithms_and_tokens_without_kid_are_refused_before_any_fetch() {
        let (url, fetches) = idp(false).await;
        let issuer = Issuer::new(&url, "app", "roles");
        let (token, mut header) = token_naming("k");
        header.alg = Algorithm::PS256;
        assert_eq!(
            issuer.verify(&token, &header).await.unwrap_err().message(),
            "token algorithm must be HS256, RS256 or ES256"
        );
        header.alg = Algorithm::ES256;
        header.kid = None;
        assert_eq!(issuer.verify(&token, &header).await.unwrap_err().message(), "token has no kid");
        assert_eq!(fetches.load(std::sync::atomic::Ordering::SeqCst), 0);
    }
}
