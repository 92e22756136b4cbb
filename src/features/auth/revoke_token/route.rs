use poem::web::Data;
use poem_openapi::{ApiResponse, OpenApi};

use super::{command::RevokeToken, dto::RevokeTokenRequest, handler::revoke_token};
use crate::{
    http::{ApiError, ApiTags, AppState, PerIp, Problem, error_statuses},
    services::audit::Provenance,
};

#[derive(Default)]
pub(crate) struct RevokeTokenRoute;

error_statuses!(RevokeTokenErrors: 400, 413, 415, 422, 429, 500, 503;
    422 => "`token` is missing or not a string, or `token_type_hint` is not a string; `errors` lists each.",
);

#[derive(ApiResponse)]
enum RevokeTokenResponse {
    /// Done, or there was nothing to do: also for an unknown, invalid or already revoked
    /// token (RFC 7009 2.2). No body.
    #[oai(status = 200)]
    Ok(
        /// Always `no-store`.
        #[oai(header = "Cache-Control")]
        String,
    ),
}

#[OpenApi(prefix_path = "/api/v1", tag = "ApiTags::Auth")]
impl RevokeTokenRoute {
    /// Revoke a token
    ///
    /// Token revocation (RFC 7009), as `application/x-www-form-urlencoded` or JSON: a
    /// refresh token, or an access token that is still valid, ends the session it belongs
    /// to, so the session's access and refresh tokens are refused from then on (a logout for
    /// a client that holds no bearer header, or only the access token). `token_type_hint`
    /// (`refresh_token` or `access_token`) says which kind to try first. The answer is the
    /// same whether or not the token was known.
    #[oai(path = "/token/revoke", method = "post", operation_id = "revokeToken")]
    async fn revoke_token(
        &self,
        _limit: PerIp,
        state: Data<&AppState>,
        provenance: Provenance,
        body: RevokeTokenRequest,
    ) -> Result<RevokeTokenResponse, Problem<RevokeTokenErrors>> {
        let command = RevokeToken::try_from(body.into_body()).map_err(ApiError::validation)?;
        revoke_token(&state.db, &state.clock, &state.tokens, &provenance, command).await?;
        Ok(RevokeTokenResponse::Ok("no-store".into()))
    }
}
