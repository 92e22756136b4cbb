//! The outermost middleware: gives each request an id (the client's `X-Request-Id` when it
//! is sane) and a W3C trace context (continuing the client's `traceparent`), drops a
//! same-origin `Origin` before CORS sees it, runs the request in a tracing span that names
//! the id, the trace and the operation, turns any error into problem+json, writes one
//! access-log line, and counts the request in the metrics.

use std::{sync::Arc, time::Instant};

use poem::{Endpoint, IntoResponse, Request, Response, http::HeaderValue};
use tracing::{Instrument, field::Empty};
use uuid::Uuid;

use super::{Operations, error::into_problem_response, pages::drop_same_origin};
use crate::infra::telemetry::{
    metrics,
    trace_context::{RequestContext, TraceParent},
};

pub(crate) const REQUEST_ID: &str = "x-request-id";
/// W3C Trace Context's request header.
pub(crate) const TRACEPARENT: &str = "traceparent";

/// The request's id, for whatever records it (the audit trail).
#[derive(Clone)]
pub(super) struct RequestId(pub String);

pub(crate) async fn log_request<E: Endpoint>(
    next: Arc<E>,
    mut req: Request,
    operations: Arc<Operations>,
) -> poem::Result<Response> {
    let request_id = req
        .headers()
        .get(REQUEST_ID)
        .filter(|v| is_sane_id(v))
        .cloned()
        .unwrap_or_else(|| {
            HeaderValue::from_str(&Uuid::now_v7().to_string()).expect("uuid is ascii")
        });
    let id = request_id.to_str().unwrap_or_default().to_owned();
    let (method, path) = (req.method().clone(), req.uri().path().to_owned());
    let operation = operations.operation(&method, &path);
    let span = tracing::info_span!("request", request_id = %id, operation, trace_id = Empty);
    let caller = req.headers().get(TRACEPARENT).and_then(|v| v.to_str().ok());
    let trace = TraceParent::of_span(&span, caller);
    span.record("trace_id", trace.trace_id());
    req.extensions_mut().insert(RequestId(id.clone()));
    drop_same_origin(&mut req);
    let context = RequestContext {
        request_id: id,
        trace,
    };
    let started = Instant::now();

    let served = context.scope(next.call(req)).instrument(span.clone()).await;
    let mut response = match served {
        Ok(response) => response.into_response(),
        Err(err) => into_problem_response(err),
    };
    response.headers_mut().insert(REQUEST_ID, request_id);
    let took = started.elapsed();
    let status = response.status().as_u16();
    metrics::http_request(operation, &method, status, took);
    tracing::info!(
        parent: &span,
        %method,
        path,
        status,
        latency_ms = took.as_micros() as f64 / 1000.0,
        "request"
    );
    Ok(response)
}

/// At most 128 visible ASCII characters: anything else is replaced, never echoed.
fn is_sane_id(value: &HeaderValue) -> bool {
    let bytes = value.as_bytes();
    !bytes.is_empty() && bytes.len() <= 128 && bytes.iter().all(|b| b.is_ascii_graphic())
}
