//! The HTTP side of the application: every slice on one OpenAPI service, its documents, and
//! the middleware around them.

use std::sync::Arc;

use poem::{EndpointExt, Route, endpoint::BoxEndpoint, http::Method, middleware::Cors};
use poem_openapi::OpenApiService;

use crate::{
    config::Settings,
    features::Api,
    http::{
        AppState, InsideCors, LIMIT_HEADERS, Operations, REQUEST_ID, TRACEPARENT, inside_cors,
        log_request, with_documents,
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
    let operations = Arc::new(Operations::of::<Api>());
    let inside = Arc::new(InsideCors {
        body_limit: settings.server.request_body_limit,
        deadline: settings.server.request_timeout,
        operations: operations.clone(),
    });
    // Two layers of our own, outside and inside CORS (`log_request` also drops a same-origin
    // `Origin` before CORS sees it).
    routes
        .data(state)
        .around(move |ep, req| inside_cors(ep, req, inside.clone()))
        .with_if(
            !settings.server.cors_origins.is_empty(),
            cors(&settings.server.cors_origins),
        )
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
