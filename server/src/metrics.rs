//! The server's `/metrics`, on `SERVER_METRICS_ADDR`: every gRPC call counted by RPC and
//! gRPC code, with its latency (to the response's headers: a stream's length is not the
//! call's cost). An RPC the server does not serve is counted as `unknown`, so that no
//! caller can grow the label set.

use std::{
    sync::Arc,
    task::{Context, Poll},
    time::Instant,
};

use axum::{Router, http::header, routing::get};
use futures::{FutureExt, future::BoxFuture};
use runtime::metrics::{CONTENT_TYPE, MetricsRegistry, Requests, render};
use tokio::net::TcpListener;
use tower::{Layer, Service};

/// The server's registry and its request family.
#[derive(Clone)]
pub struct Metrics {
    registry: Arc<MetricsRegistry>,
    requests: Requests,
}

impl Metrics {
    /// A registry with the server's metrics.
    pub fn new() -> Metrics {
        let mut registry = MetricsRegistry::default();
        let requests = Requests::register(&mut registry, "server_grpc", "gRPC calls");
        Metrics { registry: Arc::new(registry), requests }
    }

    /// Serves `/metrics` on `listener` until `stop` completes.
    pub async fn serve(self, listener: TcpListener, stop: impl Future<Output = ()> + Send + 'static) {
        let registry = self.registry;
        let app = Router::new().route(
            "/metrics",
            get(move || {
                let registry = registry.clone();
                async move { ([(header::CONTENT_TYPE, CONTENT_TYPE)], render(&registry)) }
            }),
        );
        if let Err(error) = axum::serve(listener, app).with_graceful_shutdown(stop).await {
            tracing::error!(%error, "metrics endpoint failed");
        }
    }
}

impl Default for Metrics {
    fn default() -> Metrics {
        Metrics::new()
    }
}

impl<S> Layer<S> for Metrics {
    type Service = Counted<S>;

    fn layer(&self, inner: S) -> Counted<S> {
        Counted { inner, requests: self.requests.clone() }
    }
}

/// A service whose calls [`Metrics`] counts.
#[derive(Clone)]
pub struct Counted<S> {
    inner: S,
    requests: Requests,
}

impl<S, B, ResBody> Service<http::Request<B>> for Counted<S>
where
    S: Service<http::Request<B>, Response = http::Response<ResBody>>,
    S::Future: Send + 'static,
{
    type Response = S::Response;
    type Error = S::Error;
    type Future = BoxFuture<'static, Result<S::Response, S::Error>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: http::Request<B>) -> Self::Future {
        let path = request.uri().path();
        let route = if crate::auth::is_served(path) { path.to_owned() } else { "unknown".to_owned() };
        let (requests, started) = (self.requests.clone(), Instant::now());
        let response = self.inner.call(request);
        async move {
            let response = response.await?;
            // An error answered at once carries its code in the headers (trailers-only);
            // otherwise the call went on, and its code comes in the trailers.
            let code = response
                .headers()
                .get("grpc-status")
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.parse::<i32>().ok())
                .map_or(tonic::Code::Ok, tonic::Code::from);
            requests.observe(&route, &format!("{code:?}"), started.elapsed());
            Ok(response)
        }
        .boxed()
    }
}
