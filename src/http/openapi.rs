//! What the OpenAPI document needs beyond poem-openapi's derives: each endpoint's exact
//! error statuses (`Problem<S>`), the `RateLimit-*` headers of limited operations, and one
//! path item per path however many slices share it.

use std::{collections::HashMap, marker::PhantomData};

use poem::{endpoint::BoxEndpoint, http::Method};
use poem_openapi::{
    ApiResponse, OpenApi,
    registry::{
        MetaApi, MetaHeader, MetaMediaType, MetaOperation, MetaPath, MetaResponse, MetaResponses,
        Registry,
    },
    types::Type,
};

use crate::domain::Permission;

use super::{
    auth::OAUTH2_SCHEME,
    error::ApiError,
    limits::LIMIT_HEADERS,
    problem::{PROBLEM_JSON, ProblemDetails},
};

/// The error statuses one endpoint declares in the OpenAPI document.
pub(crate) trait ErrorStatuses: Send + Sync + 'static {
    const STATUSES: &'static [u16];
    /// This endpoint's own wording for some statuses; the rest get the generic one.
    const DESCRIPTIONS: &'static [(u16, &'static str)];
}

/// Declares a marker type listing an endpoint's error statuses, optionally with its own
/// descriptions: `error_statuses!(X: 404, 409; 409 => "Already confirmed.");`
macro_rules! error_statuses {
    ($name:ident: $($status:literal),+ $(; $($code:literal => $text:literal),+)? $(,)?) => {
        pub(crate) struct $name;
        impl $crate::http::ErrorStatuses for $name {
            const STATUSES: &'static [u16] = &[$($status),+];
            const DESCRIPTIONS: &'static [(u16, &'static str)] = &[$($(($code, $text)),+)?];
        }
    };
}
pub(crate) use error_statuses;

/// An `ApiError` leaving an endpoint whose possible statuses are `S`.
pub(crate) struct Problem<S>(ApiError, PhantomData<S>);

impl<S> From<ApiError> for Problem<S> {
    fn from(err: ApiError) -> Self {
        Self(err, PhantomData)
    }
}

impl<S> From<Problem<S>> for poem::Error {
    fn from(problem: Problem<S>) -> Self {
        poem::Error::from(problem.0)
    }
}

impl<S: ErrorStatuses> ApiResponse for Problem<S> {
    fn meta() -> MetaResponses {
        let responses = S::STATUSES
            .iter()
            .map(|&status| MetaResponse {
                description: S::DESCRIPTIONS
                    .iter()
                    .find(|(code, _)| *code == status)
                    .map_or_else(|| describe(status), |(_, text)| text),
                status: Some(status),
                status_range: None,
                content: vec![MetaMediaType {
                    content_type: PROBLEM_JSON,
                    schema: ProblemDetails::schema_ref(),
                }],
                headers: problem_headers(status),
            })
            .collect();
        MetaResponses { responses }
    }

    fn register(registry: &mut Registry) {
        ProblemDetails::register(registry);
    }
}

/// All slices as one API. Slices that share a path (GET/PATCH/DELETE `/api/v1/users`) are
/// merged into one path item (poem-openapi alone would emit the path once per slice, i.e.
/// duplicate JSON keys that client generators silently collapse), and every response of a
/// rate-limited operation (one that declares 429) documents the `RateLimit-*` headers.
#[derive(Default)]
pub(crate) struct MergedApi<T>(T);

impl<T: OpenApi> OpenApi for MergedApi<T> {
    fn meta() -> Vec<MetaApi> {
        let mut paths: Vec<MetaPath> = Vec::new();
        for mut path in T::meta().into_iter().flat_map(|api| api.paths) {
            for operation in &mut path.operations {
                document_rate_limit_headers(operation);
                document_required_permissions(operation);
            }
            match paths.iter_mut().find(|p| p.path == path.path) {
                Some(existing) => existing.operations.extend(path.operations),
                None => paths.push(path),
            }
        }
        vec![MetaApi { paths }]
    }

    fn register(registry: &mut Registry) {
        T::register(registry);
    }

    fn add_routes(self, route_table: &mut HashMap<String, HashMap<Method, BoxEndpoint<'static>>>) {
        self.0.add_routes(route_table);
    }
}

fn document_rate_limit_headers(operation: &mut MetaOperation) {
    let responses = &mut operation.responses.responses;
    if responses.iter().any(|r| r.status == Some(429)) {
        for response in responses.iter_mut().filter(|r| r.status != Some(429)) {
            response.headers.extend(rate_limit_headers());
        }
    }
}

/// `Permitted<P>` lists its permission's name among the security schemes (an extractor has
/// no other way to reach the document): here it becomes the scope of the OAuth2
/// requirement; the bearer requirement keeps an empty list, as OpenAPI 3.0 requires of a
/// non-OAuth2 scheme.
fn document_required_permissions(operation: &mut MetaOperation) {
    let (permissions, mut schemes): (Vec<_>, Vec<_>) =
        operation.security.drain(..).partition(|requirement| {
            requirement
                .keys()
                .all(|name| name.parse::<Permission>().is_ok())
        });
    let scopes: Vec<&'static str> = permissions
        .iter()
        .flat_map(|requirement| requirement.keys().copied())
        .collect();
    for requirement in &mut schemes {
        if let Some(oauth2) = requirement.get_mut(OAUTH2_SCHEME) {
            oauth2.extend(scopes.iter().copied());
        }
    }
    operation.security = schemes;
}

fn describe(status: u16) -> &'static str {
    match status {
        400 => "The request body could not be parsed (malformed JSON or form, not an object).",
        401 => "Missing, malformed, expired or revoked credentials.",
        403 => "The credentials do not allow this action.",
        404 => "The resource does not exist.",
        409 => "A unique value (username or e-mail) is already taken.",
        413 => "The request body is too large.",
        415 => "The request body has an unsupported content type.",
        422 => "One or more fields are missing, of the wrong type or invalid; `errors` lists each.",
        429 => "A rate limit was exceeded; retry after `Retry-After` seconds.",
        500 => "Unexpected server error.",
        503 => "A dependency is unavailable; retry after `Retry-After` seconds.",
        _ => "Error.",
    }
}

fn header(name: &str, description: &str, required: bool) -> MetaHeader {
    MetaHeader {
        name: name.to_owned(),
        description: Some(description.to_owned()),
        required,
        deprecated: false,
        schema: String::schema_ref(),
    }
}

/// The `RateLimit-*` headers of a limited operation's responses: absent while limiting is
/// off (`RATE_LIMIT_ENABLED=false`, or a store outage under fail-open), so not required.
fn rate_limit_headers() -> Vec<MetaHeader> {
    let descriptions = [
        "Requests allowed in the window.",
        "Requests left in the current window.",
        "Seconds until a used request slot frees up.",
    ];
    LIMIT_HEADERS
        .iter()
        .zip(descriptions)
        .map(|(name, d)| header(name, d, false))
        .collect()
}

fn problem_headers(status: u16) -> Vec<MetaHeader> {
    match status {
        401 => vec![header("WWW-Authenticate", "The bearer challenge.", true)],
        503 => vec![header(
            "Retry-After",
            "Seconds to wait before retrying.",
            true,
        )],
        429 => std::iter::once(header(
            "Retry-After",
            "Seconds to wait before retrying.",
            true,
        ))
        .chain(rate_limit_headers())
        .collect(),
        _ => Vec::new(),
    }
}
