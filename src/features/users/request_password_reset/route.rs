use poem::web::Data;
use poem_openapi::{ApiResponse, OpenApi, payload::Json};

use super::{
    command::RequestPasswordReset, dto::PasswordResetRequest, handler::request_password_reset,
};
use crate::http::{ApiError, ApiTags, AppState, IpBucket, PerIp, Problem, error_statuses};

#[derive(Default)]
pub(crate) struct RequestPasswordResetRoute;

error_statuses!(RequestPasswordResetErrors: 400, 413, 415, 422, 429, 500, 503;
    422 => "The address is missing or not a valid e-mail address; `errors` names the field.",
    429 => "A rate limit was exceeded: the client's requests (`RATE_LIMIT_PER_IP`), its reset requests (`RATE_LIMIT_PASSWORD_RESETS_PER_IP`), or the reset requests naming this address (`RATE_LIMIT_PASSWORD_RESET_EMAILS`), counted alike whether or not an account has it; retry after `Retry-After` seconds.",
);

#[derive(ApiResponse)]
enum RequestPasswordResetResponse {
    /// Accepted: if an account has this address, a reset e-mail is on its way. The answer
    /// is the same when none has it.
    #[oai(status = 202)]
    Accepted,
}

#[OpenApi(prefix_path = "/api/v1", tag = "ApiTags::Users")]
impl RequestPasswordResetRoute {
    /// Request a password reset
    ///
    /// Mails a single-use reset token (a link when `PASSWORD_RESET_URL` is set) to the
    /// account with this address. The answer, and how long it takes, are the same whether
    /// or not an account has the address, so it cannot be used to find out which addresses
    /// have accounts.
    #[oai(
        path = "/password-reset",
        method = "post",
        operation_id = "requestPasswordReset"
    )]
    async fn request_password_reset(
        &self,
        _limit: PerIp,
        state: Data<&AppState>,
        IpBucket(client): IpBucket,
        body: Json<PasswordResetRequest>,
    ) -> Result<RequestPasswordResetResponse, Problem<RequestPasswordResetErrors>> {
        let command = RequestPasswordReset::try_from(body.0).map_err(ApiError::validation)?;
        request_password_reset(&state.db, &state.clock, &state.limits, &client, command).await?;
        Ok(RequestPasswordResetResponse::Accepted)
    }
}
