use poem_openapi::{
    ApiRequest, Enum, Object,
    payload::{Form, Json},
};
use serde::Deserialize;

use crate::http::{OptionalString, StringRules};

/// `grant_type`: the password grant (the default) or the refresh-token grant.
pub(super) struct GrantTypeRules;

impl StringRules for GrantTypeRules {
    const ONE_OF: &'static [&'static str] = &["password", "refresh_token"];
}

/// OAuth2 token request. The password grant (`grant_type` `password` or left out) needs
/// `username` and `password`; the refresh-token grant needs `refresh_token`.
#[derive(Default, Object, Deserialize)]
// A missing form field is `Default`: the command reports it as 422.
#[serde(default)]
pub(super) struct TokenRequestBody {
    /// `password` (the default) or `refresh_token`.
    pub grant_type: OptionalString<GrantTypeRules>,
    /// Password grant: the username or the e-mail address (either is case-insensitive).
    pub username: OptionalString,
    /// Password grant: the account's password.
    #[oai(write_only)]
    pub password: OptionalString,
    /// Refresh-token grant: the refresh token from the previous answer; it is spent.
    #[oai(write_only)]
    pub refresh_token: OptionalString,
    /// Accepted for OAuth2 compatibility and ignored: a token always carries all of the
    /// account's own permissions (its `scope` claim).
    pub scope: OptionalString,
}

#[derive(ApiRequest)]
pub(super) enum TokenRequest {
    /// An OAuth2 form, as Swagger UI's Authorize button sends it.
    Form(Form<TokenRequestBody>),
    Json(Json<TokenRequestBody>),
}

impl TokenRequest {
    pub(super) fn into_body(self) -> TokenRequestBody {
        match self {
            Self::Form(Form(body)) | Self::Json(Json(body)) => body,
        }
    }
}

#[derive(Enum)]
pub(super) enum TokenType {
    Bearer,
}

/// An issued access token and the refresh token that gets the next one.
#[derive(Object)]
pub(super) struct AccessTokenResponse {
    /// An RS256 JWT to send as `Authorization: Bearer <token>`.
    pub access_token: String,
    pub token_type: TokenType,
    /// Seconds until the access token expires.
    pub expires_in: u64,
    /// Opaque and single-use: send it with `grant_type=refresh_token` for a new pair.
    pub refresh_token: String,
}
