//! The middleware inside CORS as one layer, in the order they used to be stacked: the body
//! limit, then, around the routes, `Allow` on 405 answers, the hosted pages' headers and the
//! `RateLimit-*` headers. One layer instead of four: each layer of poem's `around` holds the
//! whole future of the layers under it, so every layer added a copy of the request's future
//! (BENCHMARKS.md, issue 28).

use std::sync::Arc;

use poem::{Endpoint, IntoResponse, Request, Response};

use super::{
    Operations, body_limit::within_limit, error::into_problem_response, limits::attach_report,
    operations::add_allow, pages,
};

/// What the layer needs besides the request.
pub(crate) struct InsideCors {
    /// `REQUEST_BODY_LIMIT`.
    pub body_limit: usize,
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
    let mut response = match next.call(req).await {
        Ok(response) => response.into_response(),
        Err(err) => into_problem_response(err),
    };
    report.write_headers(&mut response);
    if hosted {
        pages::add_page_headers(&mut response);
    }
    add_allow(&mut response, uri.path(), &layer.operations);
    Ok(response)
}
