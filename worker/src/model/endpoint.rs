//! The HTTP service the model client sends through: a plain `reqwest` one (the client's
//! own hidden retries are off, so every attempt is ours) with two turns of its answers. A
//! 429 becomes [`RateLimited`], so that its `Retry-After` header reaches the retry policy
//! (the client's error type drops headers). And when replies are streamed, a success whose
//! body is JSON, not an event stream (an OpenAI-compatible server that ignores `stream`
//! and answers with the whole reply), is passed on as a stream of that one event, which
//! [`super::wire::Reply`] reads like a chunk, instead of as a stream that never began.

use std::{
    task::{Context, Poll},
    time::Duration,
};

use async_openai::{
    error::OpenAIError,
    middleware::{HttpRequestFactory, ReqwestService},
};
use futures::{FutureExt, future::BoxFuture};
use reqwest::header::{CONTENT_TYPE, HeaderMap, HeaderValue};

/// The longest `Retry-After` we honour; a longer one is capped.
const MAX_RETRY_AFTER: Duration = Duration::from_secs(600);

/// A 429, with how long the service asked us to wait.
#[derive(Debug)]
pub struct RateLimited {
    pub retry_after: Option<Duration>,
}

impl std::fmt::Display for RateLimited {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "rate limited (retry after {:?})", self.retry_after)
    }
}

impl std::error::Error for RateLimited {}

/// The service: `http`, answering streams' requests when `stream`.
#[derive(Clone)]
pub struct Endpoint {
    pub http: ReqwestService,
    pub stream: bool,
}

impl tower::Service<HttpRequestFactory> for Endpoint {
    type Response = reqwest::Response;
    type Error = OpenAIError;
    type Future = BoxFuture<'static, Result<reqwest::Response, OpenAIError>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), OpenAIError>> {
        self.http.poll_ready(cx)
    }

    fn call(&mut self, request: HttpRequestFactory) -> Self::Future {
        let response = self.http.call(request);
        let stream = self.stream;
        async move {
            let response = response.await?;
            if response.status() == reqwest::StatusCode::TOO_MANY_REQUESTS {
                let retry_after = response
                    .headers()
                    .get(reqwest::header::RETRY_AFTER)
                    .and_then(|v| v.to_str().ok())
                    .and_then(|v| v.trim().parse::<f64>().ok())
                    .filter(|s| s.is_finite() && *s >= 0.0)
                    .map(|s| Duration::from_secs_f64(s).min(MAX_RETRY_AFTER));
                return Err(OpenAIError::Boxed(Box::new(RateLimited { retry_after })));
            }
            if !stream || !response.status().is_success() || !is_json(response.headers()) {
                return Ok(response);
            }
            let (status, headers) = (response.status(), response.headers().clone());
            let body = response.bytes().await.map_err(OpenAIError::Reqwest)?;
            let mut answer = match serde_json::from_slice::<serde_json::Value>(&body) {
                Ok(whole) => {
                    let mut answer = http::Response::new(format!("data: {whole}\n\ndata: [DONE]\n\n").into_bytes());
                    answer.headers_mut().insert(CONTENT_TYPE, HeaderValue::from_static("text/event-stream"));
                    answer
                }
                // Labelled JSON but not: passed on as it came.
                Err(_) => {
                    let mut answer = http::Response::new(body.to_vec());
                    *answer.headers_mut() = headers;
                    answer
                }
            };
            *answer.status_mut() = status;
            Ok(answer.into())
        }
        .boxed()
    }
}

/// The body is JSON: `application/json` or a `+json` type.
fn is_json(headers: &HeaderMap) -> bool {
    let Some(value) = headers.get(CONTENT_TYPE).and_then(|v| v.to_str().ok()) else {
        return false;
    };
    let essence = value.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
    essence == "application/json" || essence.ends_with("+json")
}
