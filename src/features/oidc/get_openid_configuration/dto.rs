use poem_openapi::Object;

use crate::{domain::oauth::Scope, http::Origin, infra::security::SigningAlgorithm};

/// OpenID Provider metadata (OpenID Connect Discovery 1.0 §3).
#[derive(Object)]
pub(super) struct OpenidConfiguration {
    /// `JWT_ISSUER`: the `iss` of id_tokens and access tokens.
    pub issuer: String,
    pub authorization_endpoint: String,
    pub token_endpoint: String,
    pub userinfo_endpoint: String,
    pub jwks_uri: String,
    pub revocation_endpoint: String,
    /// RP-Initiated Logout 1.0.
    pub end_session_endpoint: String,
    /// OpenID Connect's scopes and the permissions.
    pub scopes_supported: Vec<String>,
    /// `code`.
    pub response_types_supported: Vec<String>,
    /// `query`.
    pub response_modes_supported: Vec<String>,
    /// `authorization_code`, `refresh_token`.
    pub grant_types_supported: Vec<String>,
    /// `public`.
    pub subject_types_supported: Vec<String>,
    /// `JWT_ALGORITHM`: `RS256` (default), `ES256` or `EdDSA`.
    pub id_token_signing_alg_values_supported: Vec<String>,
    /// `client_secret_basic`, `client_secret_post`, `none`.
    pub token_endpoint_auth_methods_supported: Vec<String>,
    /// `S256`.
    pub code_challenge_methods_supported: Vec<String>,
    pub claims_supported: Vec<String>,
    /// `none`, `login`, `consent`.
    pub prompt_values_supported: Vec<String>,
    /// `iss` is sent with every authorization response (RFC 9207).
    pub authorization_response_iss_parameter_supported: bool,
    /// `false`: request objects are refused (`request_not_supported`).
    pub request_parameter_supported: bool,
    /// `false` (Discovery's default is `true`): `request_uri_not_supported`.
    pub request_uri_parameter_supported: bool,
}

impl OpenidConfiguration {
    /// The document for `issuer` signing with `algorithm`, its URLs on `origin`.
    pub(super) fn new(issuer: &str, algorithm: SigningAlgorithm, origin: &Origin) -> Self {
        let strings = |values: &[&str]| values.iter().map(|&v| v.to_owned()).collect();
        Self {
            issuer: issuer.to_owned(),
            authorization_endpoint: origin.url("/oauth2/authorize"),
            token_endpoint: origin.url("/oauth2/token"),
            userinfo_endpoint: origin.url("/oauth2/userinfo"),
            jwks_uri: origin.url("/.well-known/jwks.json"),
            revocation_endpoint: origin.url("/api/v1/token/revoke"),
            end_session_endpoint: origin.url("/oauth2/logout"),
            scopes_supported: Scope::all().map(|s| s.as_str().to_owned()).collect(),
            response_types_supported: strings(&["code"]),
            response_modes_supported: strings(&["query"]),
            grant_types_supported: strings(&["authorization_code", "refresh_token"]),
            subject_types_supported: strings(&["public"]),
            id_token_signing_alg_values_supported: vec![algorithm.to_string()],
            token_endpoint_auth_methods_supported: strings(&[
                "client_secret_basic",
                "client_secret_post",
                "none",
            ]),
            code_challenge_methods_supported: strings(&["S256"]),
            claims_supported: strings(&[
                "iss",
                "sub",
                "aud",
                "exp",
                "iat",
                "auth_time",
                "nonce",
                "amr",
                "sid",
                "at_hash",
                "email",
                "email_verified",
                "preferred_username",
                "name",
                "locale",
            ]),
            prompt_values_supported: strings(&["none", "login", "consent"]),
            authorization_response_iss_parameter_supported: true,
            request_parameter_supported: false,
            request_uri_parameter_supported: false,
        }
    }
}
