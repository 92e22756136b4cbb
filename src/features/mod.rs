//! The vertical slices. Each folder holds one operation: its command or query, handler,
//! route and DTOs. Each area (`users`, `auth`, `sessions`, `admin`, `health`) lists its
//! slices once, beside their `mod` lines; `Api` mounts the areas on the OpenAPI service.

pub(crate) mod admin;
pub(crate) mod audit;
mod auth;
mod credentials;
pub(crate) mod email_confirmation;
mod health;
pub(crate) mod notifications;
pub(crate) mod password_policy;
pub(crate) mod password_reset;
pub(crate) mod sessions;
mod users;

use poem_openapi::Tags;

use crate::http::MergedApi;

#[derive(Tags)]
enum ApiTags {
    /// Registration and the caller's own account.
    Users,
    /// Access and refresh tokens (OAuth2), their revocation, and the keys and metadata
    /// that describe them.
    Auth,
    /// The caller's sessions (one per login and device).
    Sessions,
    /// Administration of every account, its permissions and sessions, and the audit trail;
    /// each operation needs the permission its security requirement names.
    Admin,
    /// Service health.
    Health,
}

/// All slices as one API, in document order.
pub(crate) type Api = MergedApi<(
    users::Slices,
    auth::Slices,
    sessions::Slices,
    admin::Slices,
    health::Slices,
)>;

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
