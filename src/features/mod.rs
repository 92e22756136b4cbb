//! The vertical slices. Each folder holds one operation: its command or query, handler,
//! route and DTOs. `api()` is the one tuple mounted on the OpenAPI service.

pub mod auth;
mod error;
pub mod health;
pub mod notifications;
pub mod users;

use std::collections::HashMap;

use poem::{endpoint::BoxEndpoint, http::Method};
use poem_openapi::{
    OpenApi, Tags,
    registry::{MetaApi, MetaOperation, MetaPath, Registry},
};

use crate::error::rate_limit_headers;

pub use error::{AppError, TokenRefusal};

#[derive(Tags)]
pub enum ApiTags {
    /// Registration and the caller's own account.
    Users,
    /// Access tokens (OAuth2 password grant).
    Auth,
    /// Service health.
    Health,
}

/// Every slice's routes, in document order.
type Slices = (
    users::CreateUserRoute,
    users::GetCurrentUserRoute,
    users::UpdateUserRoute,
    users::DeleteUserRoute,
    users::RequestEmailVerificationRoute,
    users::ConfirmEmailRoute,
    auth::CreateAccessTokenRoute,
    health::CheckHealthRoute,
);

/// All slices as one API. Slices that share a path (GET/PATCH/DELETE `/api/v1/users`)
/// are merged into one path item (poem-openapi alone would emit the path once per slice,
/// i.e. duplicate JSON keys that client generators silently collapse), and every response
/// of a rate-limited operation (one that declares 429) documents the `RateLimit-*` headers.
pub struct Api;

impl OpenApi for Api {
    fn meta() -> Vec<MetaApi> {
        let mut paths: Vec<MetaPath> = Vec::new();
        for mut path in Slices::meta().into_iter().flat_map(|api| api.paths) {
            path.operations
                .iter_mut()
                .for_each(document_rate_limit_headers);
            match paths.iter_mut().find(|p| p.path == path.path) {
                Some(existing) => existing.operations.extend(path.operations),
                None => paths.push(path),
            }
        }
        vec![MetaApi { paths }]
    }

    fn register(registry: &mut Registry) {
        Slices::register(registry);
    }

    fn add_routes(self, route_table: &mut HashMap<String, HashMap<Method, BoxEndpoint<'static>>>) {
        slices().add_routes(route_table);
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

fn slices() -> Slices {
    (
        users::CreateUserRoute,
        users::GetCurrentUserRoute,
        users::UpdateUserRoute,
        users::DeleteUserRoute,
        users::RequestEmailVerificationRoute,
        users::ConfirmEmailRoute,
        auth::CreateAccessTokenRoute,
        health::CheckHealthRoute,
    )
}

#[cfg(test)]
mod tests {
    use poem_openapi::OpenApi;

    use super::Api;

    #[test]
    fn each_path_appears_once_with_all_its_operations() {
        let paths = Api::meta().remove(0).paths;
        let users: Vec<_> = paths.iter().filter(|p| p.path == "/api/v1/users").collect();
        assert_eq!(users.len(), 1);
        let mut methods: Vec<_> = users[0]
            .operations
            .iter()
            .map(|o| o.method.to_string())
            .collect();
        methods.sort();
        assert_eq!(methods, ["DELETE", "GET", "PATCH", "POST"]);
    }
}
