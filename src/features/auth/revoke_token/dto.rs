use poem_openapi::{
    ApiRequest, Object,
    payload::{Form, Json},
};
use serde::Deserialize;

use crate::http::{JsonString, OptionalString};

/// A token revocation request (RFC 7009): the token to revoke, and optionally what kind it
/// is.
// No rules on `token` or the hint in the schema: RFC 7009 answers 200 to any string (an
// unknown token, an unknown hint), so nothing about their values may be refused.
#[derive(Default, Object, Deserialize)]
// A missing form field is `Default`: the command reports it as 422.
#[serde(default)]
pub(super) struct RevokeTokenRequestBody {
    /// A refresh token, or an access token that is still valid.
    #[oai(write_only)]
    pub token: JsonString,
    /// `refresh_token` or `access_token`: which kind to try first. Any other value is
    /// ignored (RFC 7009).
    pub token_type_hint: OptionalString,
}

#[derive(ApiRequest)]
pub(super) enum RevokeTokenRequest {
    /// An OAuth2 form, as RFC 7009 specifies.
    Form(Form<RevokeTokenRequestBody>),
    Json(Json<RevokeTokenRequestBody>),
}

impl RevokeTokenRequest {
    pub(super) fn into_body(self) -> RevokeTokenRequestBody {
        match self {
            Self::Form(Form(body)) | Self::Json(Json(body)) => body,
        }
    }
}
