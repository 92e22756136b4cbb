//! The UserInfo response both UserInfo endpoints answer, and the one lookup behind them.

use poem_openapi::{ApiResponse, Object, payload::Json};
use serde_json::{Map, Value};

use crate::{
    http::{ApiError, AppState, Authenticated},
    services::oidc::userinfo_claims,
};

#[derive(ApiResponse)]
pub(super) enum UserinfoResponse {
    /// The claims.
    #[oai(status = 200)]
    Ok(
        Json<UserInfo>,
        /// `no-store`.
        #[oai(header = "Cache-Control")]
        String,
    ),
}

/// The caller's claims, for a token the code flow issued with `openid`; 401 for any other.
pub(super) async fn userinfo(
    state: &AppState,
    caller: &Authenticated,
) -> Result<UserinfoResponse, ApiError> {
    let claims = userinfo_claims(&state.db, &caller.account, caller.session_id)
        .await?
        .ok_or_else(|| {
            ApiError::unauthorized("the token was not issued to a client with `openid`")
        })?;
    Ok(UserinfoResponse::Ok(Json(claims.into()), "no-store".into()))
}

/// The UserInfo response (OpenID Connect Core §5.3.2): `sub` always, the rest per scope.
#[derive(Object)]
pub(super) struct UserInfo {
    /// The account's id, as the id_token's `sub`.
    pub sub: String,
    /// With `email`.
    #[oai(skip_serializing_if_is_none)]
    pub email: Option<String>,
    /// With `email`.
    #[oai(skip_serializing_if_is_none)]
    pub email_verified: Option<bool>,
    /// With `profile`: the username.
    #[oai(skip_serializing_if_is_none)]
    pub preferred_username: Option<String>,
    /// With `profile`: the username (the account has no other name).
    #[oai(skip_serializing_if_is_none)]
    pub name: Option<String>,
    /// With `profile`, when the account has one: its language, a BCP 47 tag (`de-AT`).
    #[oai(skip_serializing_if_is_none)]
    pub locale: Option<String>,
}

impl From<Map<String, Value>> for UserInfo {
    fn from(claims: Map<String, Value>) -> Self {
        let text = |name: &str| claims.get(name).and_then(Value::as_str).map(str::to_owned);
        Self {
            sub: text("sub").unwrap_or_default(),
            email: text("email"),
            email_verified: claims.get("email_verified").and_then(Value::as_bool),
            preferred_username: text("preferred_username"),
            name: text("name"),
            locale: text("locale"),
        }
    }
}
