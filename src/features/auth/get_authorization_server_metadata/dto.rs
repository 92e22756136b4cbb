use poem_openapi::Object;

use crate::{domain::Permission, features::auth::grant_types, http::Origin};

/// Where this service's endpoints are (on the origin the request was made to).
const TOKEN_PATH: &str = "/api/v1/token/access";
const REVOCATION_PATH: &str = "/api/v1/token/revoke";
const JWKS_PATH: &str = "/.well-known/jwks.json";

/// OAuth 2.0 authorization server metadata (RFC 8414). Public clients only (no client
/// authentication); the password and refresh-token grants and the second step; no
/// authorization endpoint; the
/// permissions as scopes.
#[derive(Object)]
pub(super) struct AuthorizationServerMetadata {
    /// `JWT_ISSUER`, the `iss` claim of the access tokens.
    pub issuer: String,
    /// The token endpoint (`createAccessToken`).
    pub token_endpoint: String,
    /// The revocation endpoint, RFC 7009 (`revokeToken`).
    pub revocation_endpoint: String,
    /// The keys that verify access tokens (`getJwks`).
    pub jwks_uri: String,
    /// `password`, `refresh_token`, and the second step of a login,
    /// `urn:accounts-api:params:oauth:grant-type:mfa`.
    pub grant_types_supported: Vec<String>,
    /// `none`: clients do not authenticate.
    pub token_endpoint_auth_methods_supported: Vec<String>,
    /// `none`: clients do not authenticate.
    pub revocation_endpoint_auth_methods_supported: Vec<String>,
    /// Empty: there is no authorization endpoint.
    pub response_types_supported: Vec<String>,
    /// The permissions: an access token's `scope` lists those its account holds (granted
    /// by an administrator; a password grant cannot ask for fewer).
    pub scopes_supported: Vec<String>,
}

impl AuthorizationServerMetadata {
    /// The document for `issuer`, its URLs on `origin`.
    pub(super) fn new(issuer: &str, origin: &Origin) -> Self {
        let strings = |values: &[&str]| values.iter().map(|&v| v.to_owned()).collect();
        Self {
            issuer: issuer.to_owned(),
            token_endpoint: origin.url(TOKEN_PATH),
            revocation_endpoint: origin.url(REVOCATION_PATH),
            jwks_uri: origin.url(JWKS_PATH),
            grant_types_supported: strings(grant_types::SUPPORTED),
            token_endpoint_auth_methods_supported: strings(&["none"]),
            revocation_endpoint_auth_methods_supported: strings(&["none"]),
            // RFC 8414 makes this REQUIRED even without an authorization endpoint: so empty.
            response_types_supported: Vec::new(),
            scopes_supported: strings(Permission::NAMES),
        }
    }
}
