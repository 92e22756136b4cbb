use poem::web::Data;
use poem_openapi::OpenApi;

use crate::{
    features::oidc::userinfo::{UserinfoResponse, userinfo},
    http::{ApiTags, AppState, Authenticated, Problem, error_statuses},
};

#[derive(Default)]
pub(crate) struct PostUserinfoRoute;

error_statuses!(PostUserinfoErrors: 401, 429, 500, 503;
    401 => "No bearer token, an invalid or expired one, one whose session ended, or one not issued by the authorization code flow with `openid`.",
);

#[OpenApi(tag = "ApiTags::Oidc")]
impl PostUserinfoRoute {
    /// UserInfo endpoint (POST)
    ///
    /// As `getUserinfo`, for clients that POST (OpenID Connect Core §5.3.1): the bearer
    /// token in the `Authorization` header.
    #[oai(
        path = "/oauth2/userinfo",
        method = "post",
        operation_id = "postUserinfo"
    )]
    async fn post_userinfo(
        &self,
        caller: Authenticated,
        state: Data<&AppState>,
    ) -> Result<UserinfoResponse, Problem<PostUserinfoErrors>> {
        Ok(userinfo(&state, &caller).await?)
    }
}
