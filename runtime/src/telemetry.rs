//! OpenTelemetry export (feature `otel`): when `OTEL_EXPORTER_OTLP_ENDPOINT` is set, every
//! tracing span is also an OpenTelemetry span, exported over OTLP/HTTP (protobuf, or JSON
//! with `OTEL_EXPORTER_OTLP_PROTOCOL=http/json`) in batches, under the service name
//! `OTEL_SERVICE_NAME` (default `resume-<process>`). The standard `OTEL_*` variables of the
//! exporter and the SDK apply. Each hop's span becomes the child of its caller's through
//! [`adopt`], so one request is one trace across edge, server, Redis task and worker.

use opentelemetry::{
    Context,
    trace::{SpanContext, SpanId, TraceContextExt, TraceFlags, TraceId, TraceState, TracerProvider as _},
};
use opentelemetry_otlp::{Protocol, WithExportConfig};
use opentelemetry_sdk::{Resource, trace::SdkTracerProvider};
use tracing::Span;
use tracing_opentelemetry::OpenTelemetrySpanExt;
use tracing_subscriber::{Layer, registry::LookupSpan};

use crate::trace::TraceContext;

/// The exporter's provider, shut down (its last spans flushed) when dropped.
pub struct Exporter(SdkTracerProvider);

impl Drop for Exporter {
    fn drop(&mut self) {
        if let Err(error) = self.0.shutdown() {
            eprintln!("OpenTelemetry export did not shut down cleanly: {error}");
        }
    }
}

/// The tracing layer that exports spans, and its provider; `None` without an endpoint.
pub fn layer<S>(process: &str) -> Option<(impl Layer<S> + Send + Sync, Exporter)>
where
    S: tracing::Subscriber + for<'span> LookupSpan<'span> + Send + Sync,
{
    std::env::var_os("OTEL_EXPORTER_OTLP_ENDPOINT")?;
    // The process's one TLS backend, which the exporter's client needs (installed once).
    let _ = rustls::crypto::ring::default_provider().install_default();
    let mut builder = opentelemetry_otlp::SpanExporter::builder().with_http();
    // The specification's default, whichever encodings are built in.
    if std::env::var_os("OTEL_EXPORTER_OTLP_PROTOCOL").is_none() {
        builder = builder.with_protocol(Protocol::HttpBinary);
    }
    let exporter = match builder.build() {
        Ok(exporter) => exporter,
        Err(error) => {
            eprintln!("OTLP export is off: {error}");
            return None;
        }
    };
    let name = std::env::var("OTEL_SERVICE_NAME").unwrap_or_else(|_| format!("resume-{process}"));
    let provider = SdkTracerProvider::builder()
        .with_resource(Resource::builder().with_service_name(name).build())
        .with_batch_exporter(exporter)
        .build();
    let tracer = provider.tracer(format!("resume-{process}"));
    Some((tracing_opentelemetry::layer().with_tracer(tracer), Exporter(provider)))
}

/// Makes `span` the child of the caller's span `context` names, and gives `context` the
/// span's own ids (a trace started here takes the exporter's trace id). Without an
/// exporter the span has no ids and `context` stays as it is.
pub fn adopt(span: &Span, context: &mut TraceContext) {
    if let Some(parent) = context.parent {
        let remote = SpanContext::new(
            TraceId::from_bytes(context.trace_id.to_be_bytes()),
            SpanId::from_bytes(parent.to_be_bytes()),
            TraceFlags::new(context.flags),
            true,
            TraceState::default(),
        );
        let _ = span.set_parent(Context::new().with_remote_span_context(remote));
    }
    let own = span.context().span().span_context().clone();
    if own.is_valid() {
        context.trace_id = u128::from_be_bytes(own.trace_id().to_bytes());
        context.span_id = u64::from_be_bytes(own.span_id().to_bytes());
    }
}
