use poem::web::Data;
use poem_openapi::{ApiResponse, OpenApi, payload::Json};

use super::{
    command::ConfirmEmail, dto::ConfirmEmailRequest, error::REFUSED, handler::confirm_email,
};
use crate::{
    features::users::dto::User,
    http::{ApiError, ApiTags, AppState, PerIp, Problem, error_statuses},
    services::{audit::Provenance, single_use_token::Refusal},
};

#[derive(Default)]
pub(crate) struct ConfirmEmailVerificationRoute;

error_statuses!(ConfirmEmailErrors: 400, 410, 413, 415, 422, 429, 500, 503;
    400 => "The request could not be parsed, or the token is not valid (`/problems/verification-token-invalid`).",
    410 => "The token was already used (`/problems/verification-token-used`), has expired (`/problems/verification-token-expired`), or the account's address changed since it was sent (`/problems/verification-token-address-changed`).",
);

#[derive(ApiResponse)]
enum ConfirmEmailResponse {
    /// The address is confirmed; the account as it is now.
    #[oai(status = 200)]
    Ok(Json<User>),
}

#[OpenApi(prefix_path = "/api/v1", tag = "ApiTags::Users")]
impl ConfirmEmailVerificationRoute {
    /// Confirm my e-mail address
    ///
    /// Takes the single-use token from the confirmation e-mail (no bearer token needed, so the
    /// link works on any device) and marks the address it was sent to as confirmed.
    #[oai(
        path = "/users/email-verification/confirm",
        method = "post",
        operation_id = "confirmEmailVerification"
    )]
    async fn confirm_email(
        &self,
        _limit: PerIp,
        state: Data<&AppState>,
        provenance: Provenance,
        body: Json<ConfirmEmailRequest>,
    ) -> Result<ConfirmEmailResponse, Problem<ConfirmEmailErrors>> {
        let command = ConfirmEmail::parse(body.0)
            .map_err(ApiError::validation)?
            .ok_or_else(|| REFUSED.refused(Refusal::Unknown))?;
        let user = confirm_email(&state.db, &state.clock, &provenance, command).await?;
        Ok(ConfirmEmailResponse::Ok(Json(user.into())))
    }
}
