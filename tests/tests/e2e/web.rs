//! The edge serves the built web app at `/`: files as they are, client-side routes as
//! `index.html`, hashed assets cached for a year and the rest revalidated, `/api` paths
//! never the app, and the security headers on every response.

use e2e::{Db, Options, System, TempDir};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_app_is_served_with_its_routes_caching_and_security_headers() -> anyhow::Result<()> {
    let web = TempDir::new("resume-web")?;
    std::fs::create_dir_all(web.path().join("assets"))?;
    std::fs::write(web.path().join("index.html"), "<!doctype html><div id=root></div>")?;
    std::fs::write(web.path().join("assets/app-3f9a.js"), "console.log(1)")?;
    let options = Options { web_dir: Some(web.path().to_owned()), ..Options::default() };
    let system = System::start_with(Db::Sqlite, 0, options).await?;
    let get = |path: &'static str| {
        let request = system.http.get(system.url(path));
        async move { anyhow::Ok(request.send().await?) }
    };

    for (path, cache) in [("/", "no-cache"), ("/candidates/7", "no-cache"), ("/monitor", "no-cache")] {
        let response = get(path).await?;
        assert_eq!(response.status(), 200, "{path}");
        assert_eq!(response.headers()["cache-control"], cache, "{path}");
        assert!(response.headers()["content-type"].to_str()?.starts_with("text/html"), "{path}");
        assert!(response.text().await?.contains("id=root"), "{path}: not the app");
    }
    let asset = get("/assets/app-3f9a.js").await?;
    assert_eq!(asset.headers()["cache-control"], "public, max-age=31536000, immutable");
    assert!(asset.headers()["content-type"].to_str()?.contains("javascript"));

    // /api is the API's, even where no route matches.
    let missing = get("/api/nope").await?;
    assert_eq!(missing.status(), 404);
    assert_eq!(missing.json::<serde_json::Value>().await?["error"]["code"], "NOT_FOUND");

    for path in ["/", "/assets/app-3f9a.js", "/api/healthz", "/api/nope"] {
        let response = get(path).await?;
        let headers = response.headers();
        let csp = headers["content-security-policy"].to_str()?;
        assert!(csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"), "{path}: {csp}");
        assert!(csp.contains("frame-ancestors 'none'"), "{path}: {csp}");
        assert_eq!(headers["x-content-type-options"], "nosniff", "{path}");
        assert_eq!(headers["referrer-policy"], "no-referrer", "{path}");
    }
    assert_eq!(get("/api/healthz").await?.headers()["cache-control"], "no-store");

    // /metrics (no token) counts every request by its route pattern, never by its ids: in
    // the classic text format, or OpenMetrics to a scraper that asks (as Prometheus does).
    let openmetrics = system
        .http
        .get(system.url("/metrics"))
        .header("accept", "application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5")
        .send()
        .await?;
    assert!(openmetrics.headers()["content-type"].to_str()?.starts_with("application/openmetrics-text"));
    assert!(openmetrics.text().await?.ends_with("# EOF\n"));
    let metrics = get("/metrics").await?;
    assert_eq!(metrics.headers()["content-type"], "text/plain; version=0.0.4; charset=utf-8");
    let text = metrics.text().await?;
    assert!(text.contains("# TYPE edge_http_requests_total counter\n") && !text.contains("# EOF"), "{text}");
    assert!(text.contains(r#"edge_http_requests_total{route="GET /api/healthz",status="200"} "#), "{text}");
    assert!(text.contains(r#"edge_http_requests_total{route="app",status="200"} "#), "{text}");
    assert!(text.contains(r#"edge_http_requests_total{route="none",status="404"} "#), "{text}");
    assert!(text.contains("edge_http_request_duration_seconds_bucket"), "{text}");
    system.stop().await
}
