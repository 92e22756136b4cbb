//! The middleware inside CORS as one layer, in the order they used to be stacked: the body
//! limit, then, around the routes, the request deadline, `Allow` on 405 answers, the hosted
//! pages' headers and the `RateLimit-*` headers. One layer instead of five: each layer of
//! poem's `around` holds the whole future of the layers under it, so every layer added a copy
//! of the request's future (BENCHMARKS.md, issue 28).

use std::{sync::Arc, time::Duration};

use poem::{Endpoint, IntoResponse, Request, Response, error::ResponseError};

use crate::infra::deadline;

use super::{
    Operations,
    body_limit::within_limit,
    error::{ApiError, into_problem_response},
    limits::attach_report,
    operations::add_allow,
    pages,
};

/// How long a client should wait after a request ran out of time.
const RETRY_DEADLINE: Duration = Duration::from_secs(5);

/// What the layer needs besides the request.
pub(crate) struct InsideCors {
    /// `REQUEST_BODY_LIMIT`.
    pub body_limit: usize,
    /// `REQUEST_TIMEOUT_MS`.
    pub deadline: Duration,
    pub operations: Arc<Operations>,
}

pub(crate) async fn inside_cors<E: Endpoint>(
    next: Arc<E>,
    req: Request,
    layer: Arc<InsideCors>,
) -> poem::Result<Response> {
    let mut req = within_limit(req, layer.body_limit).await?;
    let uri = req.uri().clone(); // shares the request's bytes: no copy on the hot path
    let hosted = pages::is_hosted(&req);
    let report = attach_report(&mut req);
    // Past the deadline the request's future is dropped, and with it any statement in
    // flight (its connection goes back to the pool, which tests it or closes it). Boxed: the
    // routes' future would otherwise be copied into every layer above (BENCHMARKS.md, issue 28).
    let routes = Box::pin(deadline::within(layer.deadline, next.call(req)));
    let mut response = match routes.await {
        Some(Ok(response)) => response.into_response(),
        Some(Err(err)) => into_problem_response(err),
        None => {
            tracing::warn!(deadline = ?layer.deadline, "request timed out");
            let detail =
                "the request did not complete in time: a dependency is slow or unreachable";
            ApiError::unavailable(detail, RETRY_DEADLINE).as_response()
        }
    };
    report.write_headers(&mut response);
    if hosted {
        pages::add_page_headers(&mut response);
    }
    add_allow(&mut response, uri.path(), &layer.operations);
    Ok(response)
}
