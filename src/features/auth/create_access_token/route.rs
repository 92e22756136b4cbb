use poem::web::Data;
use poem_openapi::{ApiResponse, OpenApi, payload::Json};

use super::{
    command::CreateAccessToken,
    dto::{AccessTokenResponse, TokenRequest, TokenType},
    handler::create_access_token,
};
use crate::{
    features::ApiTags,
    http::{ApiError, AppState, PerIp, Problem, error_statuses},
};

#[derive(Default)]
pub(crate) struct CreateAccessTokenRoute;

error_statuses!(CreateAccessTokenErrors: 400, 401, 403, 413, 415, 422, 429, 500, 503;
    403 => "The password is right but the account's e-mail address is not confirmed and `REQUIRE_VERIFIED_EMAIL` is on (`/problems/email-not-verified`); a new confirmation e-mail is sent.",
);

#[derive(ApiResponse)]
enum CreateAccessTokenResponse {
    /// The token was issued.
    #[oai(status = 200)]
    Ok(
        Json<AccessTokenResponse>,
        /// Always `no-store`: tokens must not be cached.
        #[oai(header = "Cache-Control")]
        String,
    ),
}

#[OpenApi(prefix_path = "/api/v1", tag = "ApiTags::Auth")]
impl CreateAccessTokenRoute {
    /// Issue an access token
    ///
    /// The OAuth2 password grant: `username` (or e-mail) and `password`, as
    /// `application/x-www-form-urlencoded` or JSON.
    #[oai(
        path = "/token/access",
        method = "post",
        operation_id = "createAccessToken"
    )]
    async fn create_access_token(
        &self,
        _limit: PerIp,
        state: Data<&AppState>,
        body: TokenRequest,
    ) -> Result<CreateAccessTokenResponse, Problem<CreateAccessTokenErrors>> {
        let command =
            CreateAccessToken::try_from(body.into_body()).map_err(ApiError::validation)?;
        let token = create_access_token(
            &state.db,
            &state.clock,
            &state.hasher,
            &state.tokens,
            &state.limits,
            state.require_verified_email,
            command,
        )
        .await?;
        let body = AccessTokenResponse {
            access_token: token.token,
            token_type: TokenType::Bearer,
            expires_in: token.expires_in,
        };
        Ok(CreateAccessTokenResponse::Ok(Json(body), "no-store".into()))
    }
}
