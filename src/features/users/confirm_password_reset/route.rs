use poem::web::Data;
use poem_openapi::{ApiResponse, OpenApi, payload::Json};

use super::{
    command::ConfirmPasswordReset, dto::ConfirmPasswordResetRequest, error::REFUSED,
    handler::confirm_password_reset,
};
use crate::{
    http::{ApiError, ApiTags, AppState, PerIp, Problem, error_statuses},
    services::{audit::Provenance, single_use_token::Refusal},
};

#[derive(Default)]
pub(crate) struct ConfirmPasswordResetRoute;

error_statuses!(ConfirmPasswordResetErrors: 400, 410, 413, 415, 422, 429, 500, 503;
    400 => "The request could not be parsed, or the token is not valid (`/problems/invalid-reset-token`).",
    410 => "The token was already used, or the password changed since it was sent (`/problems/reset-token-used`), or it has expired (`/problems/reset-token-expired`).",
    422 => "A field is missing or invalid, or the new password breaks the sign-up rules (length, strength, breach check); `errors` lists each. The token is not spent.",
);

#[derive(ApiResponse)]
enum ConfirmPasswordResetResponse {
    /// The password was set; every session of the account has ended: log in with it.
    #[oai(status = 204)]
    Reset,
}

#[OpenApi(prefix_path = "/api/v1", tag = "ApiTags::Users")]
impl ConfirmPasswordResetRoute {
    /// Set a new password with a reset token
    ///
    /// Takes the single-use token from the reset e-mail (no bearer token: its owner cannot
    /// log in) and the new password. Every session of the account ends, other reset tokens
    /// are spent, the address the token was mailed to counts as confirmed, and the account
    /// gets an e-mail saying the password changed.
    #[oai(
        path = "/password-reset/confirm",
        method = "post",
        operation_id = "confirmPasswordReset"
    )]
    async fn confirm_password_reset(
        &self,
        _limit: PerIp,
        state: Data<&AppState>,
        provenance: Provenance,
        body: Json<ConfirmPasswordResetRequest>,
    ) -> Result<ConfirmPasswordResetResponse, Problem<ConfirmPasswordResetErrors>> {
        let command = ConfirmPasswordReset::parse(body.0)
            .map_err(ApiError::validation)?
            .ok_or_else(|| REFUSED.refused(Refusal::Unknown))?;
        confirm_password_reset(
            &state.db,
            &state.clock,
            &state.hasher,
            &state.password_policy(),
            &provenance,
            command,
        )
        .await?;
        Ok(ConfirmPasswordResetResponse::Reset)
    }
}
