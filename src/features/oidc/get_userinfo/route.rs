use poem::web::Data;
use poem_openapi::OpenApi;

use crate::{
    features::oidc::userinfo::{UserinfoResponse, userinfo},
    http::{ApiTags, AppState, Authenticated, Problem, error_statuses},
};

#[derive(Default)]
pub(crate) struct GetUserinfoRoute;

error_statuses!(GetUserinfoErrors: 401, 429, 500, 503;
    401 => "No bearer token, an invalid or expired one, one whose session ended, or one not issued by the authorization code flow with `openid`.",
);

#[OpenApi(tag = "ApiTags::Oidc")]
impl GetUserinfoRoute {
    /// UserInfo endpoint
    ///
    /// The claims of the scopes granted to the access token (issued by `createOauthToken`
    /// with `openid`): `sub` (as in the id_token), `email` and `email_verified` for
    /// `email`, `preferred_username`, `name` and `locale` (when set) for `profile`.
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
        Ok(userinfo(&state, &caller).await?)
    }
}
