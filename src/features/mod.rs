//! The vertical slices. Each folder holds one operation: its command or query, handler,
//! route and DTOs. `api()` is the one tuple mounted on the OpenAPI service.

pub mod auth;
mod error;
pub mod health;
pub mod users;

use poem_openapi::Tags;

pub use error::AppError;

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
pub type Api = (
    users::CreateUserRoute,
    users::GetCurrentUserRoute,
    users::UpdateUserRoute,
    users::DeleteUserRoute,
    auth::CreateAccessTokenRoute,
    health::CheckHealthRoute,
);

pub fn api() -> Api {
    (
        users::CreateUserRoute,
        users::GetCurrentUserRoute,
        users::UpdateUserRoute,
        users::DeleteUserRoute,
        auth::CreateAccessTokenRoute,
        health::CheckHealthRoute,
    )
}
