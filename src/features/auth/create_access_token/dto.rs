use poem_openapi::{
    ApiRequest, Enum, Object,
    payload::{Form, Json},
};
use serde::Deserialize;

use crate::{
    features::auth::grant_types,
    http::{OptionalString, StringRules},
};

/// `grant_type`: the password grant (the default), the refresh-token grant, or the second
/// step of a login.
pub(super) struct GrantTypeRules;

impl StringRules for GrantTypeRules {
    const ONE_OF: &'static [&'static str] = grant_types::SUPPORTED;
}

/// OAuth2 token request. The password grant (`grant_type` `password` or left out) needs
/// `username` and `password`; the refresh-token grant needs `refresh_token`; the second step
/// (`urn:accounts-api:params:oauth:grant-type:mfa`) needs `mfa_token` and one of `otp`,
/// `recovery_code` and `assertion`; the passkey grant
/// (`urn:accounts-api:params:oauth:grant-type:passkey`) needs `assertion`.
#[derive(Default, Object, Deserialize)]
// A missing form field is `Default`: the command reports it as 422.
#[serde(default)]
pub(super) struct TokenRequestBody {
    /// `password` (the default), `refresh_token`,
    /// `urn:accounts-api:params:oauth:grant-type:mfa` (the second step of a login), or
    /// `urn:accounts-api:params:oauth:grant-type:passkey` (a passkey sign-in).
    pub grant_type: OptionalString<GrantTypeRules>,
    /// Password grant: the username or the e-mail address (either is case-insensitive).
    pub username: OptionalString,
    /// Password grant: the account's password.
    #[oai(write_only)]
    pub password: OptionalString,
    /// Refresh-token grant: the refresh token from the previous answer; it is spent.
    #[oai(write_only)]
    pub refresh_token: OptionalString,
    /// Second step: the `mfa_token` of the `mfa-required` problem the password grant
    /// answered; single use, 5 minutes.
    #[oai(write_only)]
    pub mfa_token: OptionalString,
    /// Second step: the 6-digit code the authenticator app shows.
    #[oai(write_only)]
    pub otp: OptionalString,
    /// Second step, instead of `otp`: an unused recovery code (spent; the owner is mailed).
    #[oai(write_only)]
    pub recovery_code: OptionalString,
    /// Passkey grant, or a second step instead of `otp`: what `navigator.credentials.get`
    /// resolved to, as the JSON text of WebAuthn Level 3's `AuthenticationResponseJSON`
    /// (`JSON.stringify(credential)`), answering the options of
    /// `startPasskeyAuthentication`.
    #[oai(write_only)]
    pub assertion: OptionalString,
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
    /// A JWT (`JWT_ALGORITHM`, RS256 by default) to send as `Authorization: Bearer <token>`.
    pub access_token: String,
    pub token_type: TokenType,
    /// Seconds until the access token expires.
    pub expires_in: u64,
    /// Opaque and single-use: send it with `grant_type=refresh_token` for a new pair.
    pub refresh_token: String,
}
