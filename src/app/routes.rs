//! The HTTP side of the application: every slice on one OpenAPI service, its documents, and
//! the middleware around them.

use std::sync::Arc;

use poem::{EndpointExt, Route, endpoint::BoxEndpoint, http::Method, middleware::Cors};
use poem_openapi::OpenApiService;

use crate::{
    config::Settings,
    features::Api,
    http::{
        AppState, LIMIT_HEADERS, Operations, REQUEST_ID, TRACEPARENT, add_allow, limit_body,
        log_request, page_headers, report_limits, same_origin_outside_cors, with_documents,
    },
};

/// The OpenAPI service: every slice, one document.
fn openapi_service() -> OpenApiService<Api, ()> {
    OpenApiService::new(Api::default(), "accounts-api", env!("CARGO_PKG_VERSION"))
        .description("User accounts and authentication.")
        // Relative: the document's own origin, whichever host serves it.
        .server("/")
}

pub(super) fn endpoint(state: AppState, settings: &Settings) -> BoxEndpoint<'static> {
    let routes = with_documents(Route::new(), openapi_service).nest("/", openapi_service());
    let limit = settings.server.request_body_limit;
    let operations = Arc::new(Operations::of::<Api>());
    let allowed = operations.clone();
    routes
        .data(state)
        .around(report_limits)
        .around(page_headers)
        .around(move |ep, req| add_allow(ep, req, allowed.clone()))
        .around(move |ep, req| limit_body(ep, req, limit))
        .with_if(
            !settings.server.cors_origins.is_empty(),
            cors(&settings.server.cors_origins),
        )
        .around(same_origin_outside_cors)
        .around(move |ep, req| log_request(ep, req, operations.clone()))
        .boxed()
}

fn cors(origins: &[String]) -> Cors {
    Cors::new()
        .allow_origins(origins.iter().map(String::as_str))
        .allow_methods([
            Method::GET,
            Method::POST,
            Method::PUT,
            Method::PATCH,
            Method::DELETE,
        ])
        .allow_headers(["authorization", "content-type", REQUEST_ID, TRACEPARENT])
        .expose_headers([REQUEST_ID, "retry-after"].into_iter().chain(LIMIT_HEADERS))
        .max_age(600)
}
