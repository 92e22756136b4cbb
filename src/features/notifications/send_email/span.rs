use tracing::{Span, field::Empty};

use crate::infra::telemetry::trace_context::TraceParent;

/// The span every log line about one event's e-mail is written in: the event, and the
/// request that raised it (its id and trace id), so an operator can follow a sign-up from
/// the API's lines to the worker's.
pub(crate) fn delivery_span(
    event_id: &str,
    request_id: Option<&str>,
    traceparent: Option<&str>,
) -> Span {
    let span = tracing::info_span!("email", event_id, request_id = Empty, trace_id = Empty);
    if let Some(request_id) = request_id {
        span.record("request_id", request_id);
    }
    if let Some(traceparent) = traceparent {
        TraceParent::continue_in(&span, traceparent);
        if let Some(trace) = TraceParent::parse(traceparent) {
            span.record("trace_id", trace.trace_id());
        }
    }
    span
}
