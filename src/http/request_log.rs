//! The outermost middleware: gives each request an id (the client's `X-Request-Id` when it
//! is sane), runs it in a tracing span, turns any error into problem+json, and writes one
//! access-log line.

use std::{sync::Arc, time::Instant};

use poem::{Endpoint, IntoResponse, Request, Response, http::HeaderValue};
use tracing::Instrument;
use uuid::Uuid;

use super::error::into_problem_response;

pub(crate) const REQUEST_ID: &str = "x-request-id";

/// The request's id, for whatever records it (the audit trail).
#[derive(Clone)]
pub(super) struct RequestId(pub String);

pub(crate) async fn log_request<E: Endpoint>(
    next: Arc<E>,
    mut req: Request,
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
    let span = tracing::info_span!("request", request_id = %id);
    req.extensions_mut().insert(RequestId(id));
    let (method, path) = (req.method().clone(), req.uri().path().to_owned());
    let started = Instant::now();

    let mut response = match next.call(req).instrument(span.clone()).await {
        Ok(response) => response.into_response(),
        Err(err) => into_problem_response(err),
    };
    response.headers_mut().insert(REQUEST_ID, request_id);
    tracing::info!(
        parent: &span,
        %method,
        path,
        status = response.status().as_u16(),
        latency_ms = started.elapsed().as_micros() as f64 / 1000.0,
        "request"
    );
    Ok(response)
}

/// At most 128 visible ASCII characters: anything else is replaced, never echoed.
fn is_sane_id(value: &HeaderValue) -> bool {
    let bytes = value.as_bytes();
    !bytes.is_empty() && bytes.len() <= 128 && bytes.iter().all(|b| b.is_ascii_graphic())
}
