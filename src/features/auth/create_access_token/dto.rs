use poem_openapi::{
    ApiRequest, Enum, Object,
    payload::{Form, Json},
};
use serde::Deserialize;

use crate::http::{JsonString, OptionalString, StringRules};

/// `grant_type`: only the password grant.
pub(super) struct GrantTypeRules;

impl StringRules for GrantTypeRules {
    const ONE_OF: &'static [&'static str] = &["password"];
}

/// OAuth2 password-grant fields.
#[derive(Default, Object, Deserialize)]
// A missing form field is `Default`: the command reports it as 422.
#[serde(default)]
pub(super) struct TokenRequestBody {
    /// The username or the e-mail address (either is case-insensitive).
    pub username: JsonString,
    #[oai(write_only)]
    pub password: JsonString,
    /// `password` when given.
    pub grant_type: OptionalString<GrantTypeRules>,
    /// Accepted for OAuth2 compatibility; no scopes are defined, so it is ignored.
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

/// An issued access token.
#[derive(Object)]
pub(super) struct AccessTokenResponse {
    /// An RS256 JWT to send as `Authorization: Bearer <token>`.
    pub access_token: String,
    pub token_type: TokenType,
    /// Seconds until the token expires.
    pub expires_in: u64,
}
