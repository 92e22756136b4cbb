//! OpenTelemetry: with `OTEL_EXPORTER_OTLP_ENDPOINT` set, every tracing span is also
//! exported over OTLP/HTTP (protobuf). A request continues its caller's W3C trace, and the
//! worker's e-mail spans continue the request's, so one trace shows both processes.

use std::sync::OnceLock;

use opentelemetry::{
    Context,
    trace::{
        SpanContext, SpanId, TraceContextExt, TraceFlags, TraceId, TraceState, TracerProvider,
    },
};
use opentelemetry_otlp::{ExporterBuildError, SpanExporter, WithExportConfig};
use opentelemetry_sdk::{
    Resource,
    trace::{SdkTracer, SdkTracerProvider},
};
use tracing::{Span, Subscriber};
use tracing_opentelemetry::{OpenTelemetryLayer, OpenTelemetrySpanExt};
use tracing_subscriber::registry::LookupSpan;

/// A span's W3C ids: trace id, span id and flags.
pub(super) type Ids = ([u8; 16], [u8; 8], u8);

static PROVIDER: OnceLock<SdkTracerProvider> = OnceLock::new();

/// The layer exporting spans to the collector at `endpoint` (its `/v1/traces`) as `service`.
pub(super) fn layer<S>(
    endpoint: &str,
    service: &'static str,
) -> Result<OpenTelemetryLayer<S, SdkTracer>, ExporterBuildError>
where
    S: Subscriber + for<'span> LookupSpan<'span>,
{
    let exporter = SpanExporter::builder()
        .with_http()
        .with_endpoint(format!("{}/v1/traces", endpoint.trim_end_matches('/')))
        .build()?;
    let provider = SdkTracerProvider::builder()
        .with_batch_exporter(exporter)
        .with_resource(Resource::builder().with_service_name(service).build())
        .build();
    let tracer = provider.tracer(service);
    PROVIDER.set(provider).ok();
    Ok(tracing_opentelemetry::layer().with_tracer(tracer))
}

/// Exports the spans still buffered; call once, at exit.
pub fn shutdown() {
    if let Some(provider) = PROVIDER.get()
        && let Err(err) = provider.shutdown()
    {
        tracing::warn!(error = %err, "cannot flush the spans to the OTLP collector");
    }
}

/// Makes `span` a child of the span with these ids in the exported trace (nothing when not
/// exporting).
pub(super) fn continue_trace(span: &Span, (trace_id, span_id, flags): Ids) {
    if PROVIDER.get().is_none() {
        return;
    }
    let remote = SpanContext::new(
        TraceId::from_bytes(trace_id),
        SpanId::from_bytes(span_id),
        TraceFlags::new(flags),
        true,
        TraceState::default(),
    );
    span.set_parent(Context::new().with_remote_span_context(remote))
        .ok();
}

/// `span`'s own ids as exported, when exporting.
pub(super) fn exported_ids(span: &Span) -> Option<Ids> {
    PROVIDER.get()?;
    let context = span.context();
    let ids = context.span().span_context().clone();
    ids.is_valid().then(|| {
        (
            ids.trace_id().to_bytes(),
            ids.span_id().to_bytes(),
            ids.trace_flags().to_u8(),
        )
    })
}
