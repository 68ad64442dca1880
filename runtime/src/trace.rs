//! W3C trace context (`traceparent`) across the three processes: the edge takes the
//! caller's (or starts a trace), the server reads it from gRPC metadata and stores it in the
//! job's Redis task, the worker continues it and sends it back on its calls to the server.
//!
//! Each hop is a [`TraceContext`] with the trace's id and the hop's own span id, carried by
//! the task-local [`current`] (set with [`scope`]) and shown in the hop's tracing span as
//! `trace_id` ([`attach`]), so every log line inside it names the trace. [`TraceLayer`] does
//! this for a server's incoming calls; [`inject`] puts the current context on an outgoing
//! gRPC call. With the `otel` feature the hop's span is an OpenTelemetry span, child of the
//! caller's, and its ids are the hop's (see [`crate::telemetry`]).
//!
//! The header's format is W3C Trace Context level 1: `00-<32 hex>-<16 hex>-<2 hex>`, ids
//! not all zero; a later version is read by its first four fields, as the spec asks.

use std::{
    fmt,
    future::Future,
    task::{Context, Poll},
};

use tower::{Layer, Service};
use tracing::{Instrument, Span};

/// The header (and gRPC metadata key) that carries a trace context.
pub const TRACEPARENT: &str = "traceparent";

/// One hop of a trace: the trace's id, this hop's span id and the sampled flag.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TraceContext {
    pub(crate) trace_id: u128,
    pub(crate) span_id: u64,
    pub(crate) flags: u8,
    /// The caller's span id, when the trace came from a caller.
    pub(crate) parent: Option<u64>,
}

tokio::task_local! {
    static CURRENT: TraceContext;
}

impl TraceContext {
    /// A new trace (sampled), for a request that came without one.
    pub fn root() -> TraceContext {
        TraceContext { trace_id: fastrand::u128(1..), span_id: new_span_id(), flags: 1, parent: None }
    }

    /// The context a `traceparent` header names, if it is valid.
    pub fn parse(header: &str) -> Option<TraceContext> {
        let mut fields = header.trim().split('-');
        let (version, trace_id, span_id, flags) = (fields.next()?, fields.next()?, fields.next()?, fields.next()?);
        fn hex(text: &str, len: usize) -> Option<&str> {
            (text.len() == len && text.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))).then_some(text)
        }
        let version = u8::from_str_radix(hex(version, 2)?, 16).ok()?;
        // Version 00 has exactly four fields; a later one may add more after them.
        if version == 0xff || (version == 0 && fields.next().is_some()) {
            return None;
        }
        let trace_id = u128::from_str_radix(hex(trace_id, 32)?, 16).ok()?;
        let span_id = u64::from_str_radix(hex(span_id, 16)?, 16).ok()?;
        let flags = u8::from_str_radix(hex(flags, 2)?, 16).ok()?;
        (trace_id != 0 && span_id != 0).then_some(TraceContext { trace_id, span_id, flags, parent: None })
    }

    /// The context of a hop called with `header`: its trace continued under a new span
    /// id, or a new trace when the header is absent or invalid.
    pub fn continued(header: Option<&str>) -> TraceContext {
        match header.and_then(TraceContext::parse) {
            Some(caller) => {
                TraceContext { span_id: new_span_id(), flags: caller.flags & 1, parent: Some(caller.span_id), ..caller }
            }
            None => TraceContext::root(),
        }
    }

    /// The trace's id, 32 lowercase hex digits.
    pub fn trace_id(&self) -> String {
        format!("{:032x}", self.trace_id)
    }
}

/// Makes `span` the hop's span of `context`'s trace: names the trace in its `trace_id`
/// field (declared empty) and, with the `otel` feature, makes it an OpenTelemetry child of
/// the caller's span, whose ids the context then takes.
pub fn attach(span: &Span, context: &mut TraceContext) {
    #[cfg(feature = "otel")]
    crate::telemetry::adopt(span, context);
    span.record("trace_id", context.trace_id());
}

/// The `traceparent` header of this hop: what the next hop continues.
impl fmt::Display for TraceContext {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "00-{:032x}-{:016x}-{:02x}", self.trace_id, self.span_id, self.flags)
    }
}

/// Random and never zero. Ids need to be unique, not secret: a per-thread generator seeded
/// once (fastrand), not a `getrandom` system call per id (two ids a request on the edge).
fn new_span_id() -> u64 {
    fastrand::u64(1..)
}

/// The trace context of the task running now, if it runs in a [`scope`].
pub fn current() -> Option<TraceContext> {
    CURRENT.try_with(|context| *context).ok()
}

/// Runs `work` with `context` as its [`current`] trace context.
pub fn scope<F: Future>(context: TraceContext, work: F) -> impl Future<Output = F::Output> {
    CURRENT.scope(context, work)
}

/// Puts the [`current`] trace context on an outgoing gRPC call, if there is one.
pub fn inject<T>(request: &mut tonic::Request<T>) {
    if let Some(context) = current()
        && let Ok(value) = context.to_string().parse()
    {
        request.metadata_mut().insert(TRACEPARENT, value);
    }
}

/// A tower layer for a gRPC server: each call runs in a `grpc` span naming its path and
/// `trace_id`, with the trace context its caller sent (or a new one) as [`current`].
#[derive(Debug, Clone, Copy, Default)]
pub struct TraceLayer;

impl<S> Layer<S> for TraceLayer {
    type Service = Traced<S>;

    fn layer(&self, inner: S) -> Traced<S> {
        Traced { inner }
    }
}

/// A service whose calls [`TraceLayer`] traces.
#[derive(Debug, Clone)]
pub struct Traced<S> {
    inner: S,
}

impl<S, B> Service<http::Request<B>> for Traced<S>
where
    S: Service<http::Request<B>>,
{
    type Response = S::Response;
    type Error = S::Error;
    type Future = tracing::instrument::Instrumented<tokio::task::futures::TaskLocalFuture<TraceContext, S::Future>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: http::Request<B>) -> Self::Future {
        let header = request.headers().get(TRACEPARENT).and_then(|v| v.to_str().ok());
        let mut context = TraceContext::continued(header);
        let span = tracing::info_span!("grpc", rpc = request.uri().path(), trace_id = tracing::field::Empty);
        attach(&span, &mut context);
        let entered = span.enter();
        let call = self.inner.call(request);
        drop(entered);
        CURRENT.scope(context, call).instrument(span)
    }
}

/// The span every log line of a job's task carries: its job and trace.
pub fn task_span(job_id: &str, context: &mut TraceContext) -> Span {
    let span = tracing::info_span!("task", job_id, trace_id = tracing::field::Empty);
    attach(&span, context);
    span
}

#[cfg(test)]
mod tests {
    use super::*;

    const EXAMPLE: &str = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    #[test]
    fn the_spec_example_is_read_and_written_back() {
        let context = TraceContext::parse(EXAMPLE).expect("valid");
        assert_eq!(context.trace_id(), "4bf92f3577b34da6a3ce929d0e0e4736");
        assert_eq!((context.span_id, context.flags), (0x00f0_67aa_0ba9_02b7, 1));
        assert_eq!(context.to_string(), EXAMPLE);
    }

    #[test]
    fn invalid_headers_are_refused() {
        for header in [
            "",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7",
            "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",
            "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",
            "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra",
            "00-4bf92f3577b34da6a3ce929d0e0e473-600f067aa0ba902b7-01",
        ] {
            assert_eq!(TraceContext::parse(header), None, "{header}");
        }
        // A later version may carry more fields.
        assert!(TraceContext::parse("01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00-later").is_some());
    }

    #[test]
    fn a_hop_keeps_the_trace_under_a_span_of_its_own() {
        let parent = TraceContext::parse(EXAMPLE).expect("valid");
        let hop = TraceContext::continued(Some(EXAMPLE));
        assert_eq!(hop.trace_id(), parent.trace_id());
        assert_ne!(hop.span_id, parent.span_id);
        assert_eq!(hop.parent, Some(parent.span_id));
        let fresh = TraceContext::continued(Some("garbage"));
        assert_ne!(fresh.trace_id(), parent.trace_id());
        assert_eq!(fresh.to_string().len(), EXAMPLE.len());
    }

    #[tokio::test]
    async fn the_current_context_is_the_scope_s() {
        assert_eq!(current(), None);
        let context = TraceContext::root();
        let seen = scope(context, async { current() }).await;
        assert_eq!(seen, Some(context));
        let mut request = tonic::Request::new(());
        scope(context, async { inject(&mut request) }).await;
        assert_eq!(request.metadata().get(TRACEPARENT).and_then(|v| v.to_str().ok()), Some(&*context.to_string()));
    }
}
