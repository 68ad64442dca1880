//! The built web app (`WEB_DIR`, default `web/dist`) served at `/`, and the security
//! headers every response of the edge carries.
//!
//! Files are served as they are; a path that is no file (a client-side route such as
//! `/candidates/7`) gets `index.html`, so a reload or a shared link opens the app there.
//! Vite's hashed assets (`/assets/…`) are cached for a year; everything else (`index.html`
//! above all) is revalidated on every load, so a deploy is seen at once.

use std::path::Path;

use axum::{
    Router,
    http::{HeaderName, HeaderValue, Request, header},
    middleware::{self, Next},
    response::Response,
};
use tower_http::{
    services::{ServeDir, ServeFile},
    set_header::SetResponseHeaderLayer,
};

/// The content security policy: scripts, styles and connections from the edge's own
/// origin only (no inline script), plus connections to `issuer_origin` (the OpenID
/// Connect issuer the app signs in with: discovery, token endpoint), PDFs shown from
/// `blob:` URLs, never framed.
pub fn content_security_policy(issuer_origin: Option<&str>) -> String {
    let connect = issuer_origin.map(|origin| format!("'self' {origin}")).unwrap_or_else(|| "'self'".into());
    format!(
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; \
         connect-src {connect}; frame-src 'self' blob:; object-src 'none'; base-uri 'none'; \
         form-action 'self'; frame-ancestors 'none'"
    )
}

/// `router` with the app in `web_dir` behind it, for every path it does not route.
pub fn with_app<S: Clone + Send + Sync + 'static>(router: Router<S>, web_dir: &Path) -> Router<S> {
    let app = ServeDir::new(web_dir).fallback(ServeFile::new(web_dir.join("index.html")));
    router.fallback_service(app).layer(middleware::from_fn(caching))
}

/// Warns, once at start, when `web_dir` holds no built app: `/` would answer 404 with
/// nothing in the log to say why. The API works either way.
pub fn warn_if_not_built(web_dir: &Path) {
    let problem = if !web_dir.is_dir() {
        "does not exist"
    } else if !web_dir.join("index.html").is_file() {
        "has no index.html"
    } else {
        return;
    };
    tracing::warn!(
        web_dir = %web_dir.display(),
        "WEB_DIR {problem}: the web app is not served (/ answers 404), the API is; build it with `make web` \
         or point WEB_DIR at a built app"
    );
}

/// `Cache-Control` by path: hashed assets for a year, the rest revalidated (the API's
/// answers are never stored).
async fn caching(request: Request<axum::body::Body>, next: Next) -> Response {
    let policy = match request.uri().path() {
        path if path.starts_with("/api/") => "no-store",
        path if path.starts_with("/assets/") => "public, max-age=31536000, immutable",
        _ => "no-cache",
    };
    let mut response = next.run(request).await;
    response.headers_mut().entry(header::CACHE_CONTROL).or_insert(HeaderValue::from_static(policy));
    response
}

/// The security headers, on every response; the policy lets pages connect to
/// `issuer_origin` besides the edge.
pub fn security_headers<S: Clone + Send + Sync + 'static>(router: Router<S>, issuer_origin: Option<&str>) -> Router<S> {
    let header = |name: HeaderName, value: &'static str| {
        SetResponseHeaderLayer::overriding(name, HeaderValue::from_static(value))
    };
    // The origin was checked at start (an http(s) scheme and authority), so it is a valid value.
    let policy = HeaderValue::try_from(content_security_policy(issuer_origin))
        .unwrap_or_else(|_| HeaderValue::from_static("default-src 'none'"));
    router
        .layer(SetResponseHeaderLayer::overriding(header::CONTENT_SECURITY_POLICY, policy))
        .layer(header(header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .layer(header(header::REFERRER_POLICY, "no-referrer"))
        .layer(header(header::X_FRAME_OPTIONS, "DENY"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_policy_lets_the_app_reach_its_issuer_only() {
        let plain = content_security_policy(None);
        assert!(plain.contains("connect-src 'self';"), "{plain}");
        let with = content_security_policy(Some("https://id.example.com"));
        assert!(with.contains("connect-src 'self' https://id.example.com;"), "{with}");
        assert!(with.contains("script-src 'self';"), "{with}");
    }
}
