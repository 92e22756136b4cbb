use poem::web::Data;
use poem_openapi::{ApiResponse, OpenApi, payload::Json};

use crate::{
    features::oidc::userinfo::UserInfo,
    http::{ApiError, ApiTags, AppState, Authenticated, Problem, error_statuses},
    services::oidc::userinfo_claims,
};

#[derive(Default)]
pub(crate) struct GetUserinfoRoute;

error_statuses!(GetUserinfoErrors: 401, 429, 500, 503;
    401 => "No bearer token, an invalid or expired one, one whose session ended, or one not issued by the authorization code flow with `openid`.",
);

#[derive(ApiResponse)]
enum UserinfoResponse {
    /// The claims.
    #[oai(status = 200)]
    Ok(
        Json<UserInfo>,
        /// `no-store`.
        #[oai(header = "Cache-Control")]
        String,
    ),
}

#[OpenApi(tag = "ApiTags::Oidc")]
impl GetUserinfoRoute {
    /// UserInfo endpoint
    ///
    /// The claims of the scopes granted to the access token (issued by `createOauthToken`
    /// with `openid`): `sub` (as in the id_token), `email` and `email_verified` for
    /// `email`, `preferred_username` and `name` for `profile`.
    #[oai(
        path = "/oauth2/userinfo",
        method = "get",
        operation_id = "getUserinfo"
    )]
    async fn get_userinfo(
        &self,
        caller: Authenticated,
        state: Data<&AppState>,
    ) -> Result<UserinfoResponse, Problem<GetUserinfoErrors>> {
        let claims = userinfo_claims(&state.db, &caller.account, caller.session_id)
            .await
            .map_err(ApiError::from)?
            .ok_or_else(|| {
                ApiError::unauthorized("the token was not issued to a client with `openid`")
            })?;
        Ok(UserinfoResponse::Ok(Json(claims.into()), "no-store".into()))
    }
}
