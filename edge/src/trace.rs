//! The span and trace context of each request: the caller's `traceparent` continued (or a
//! new trace), current while the request is handled (every gRPC call to the servers carries
//! it, through [`crate::extract::grpc`]), named as `trace_id` in the request's `http` span
//! (with `job_id` once a job is accepted) and sent back in the response's `traceparent`.

use axum::{
    extract::{MatchedPath, Request},
    http::{HeaderName, HeaderValue},
    middleware::Next,
    response::Response,
};
use runtime::trace::{TRACEPARENT, TraceContext};
use tracing::{Instrument, field::Empty};

/// Middleware: runs the request in its span, with its trace, and answers with the trace.
pub async fn continue_trace(request: Request, next: Next) -> Response {
    let header = request.headers().get(TRACEPARENT).and_then(|v| v.to_str().ok());
    let mut context = TraceContext::continued(header);
    let path = request.extensions().get::<MatchedPath>().map_or(request.uri().path(), MatchedPath::as_str);
    let span = tracing::info_span!("http", method = %request.method(), path, trace_id = Empty, job_id = Empty);
    runtime::trace::attach(&span, &mut context);
    let mut response = runtime::trace::scope(context, next.run(request)).instrument(span).await;
    if let Ok(value) = HeaderValue::from_str(&context.to_string()) {
        response.headers_mut().insert(HeaderName::from_static(TRACEPARENT), value);
    }
    response
}
