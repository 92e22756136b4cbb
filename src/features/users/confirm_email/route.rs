use poem::web::Data;
use poem_openapi::{ApiResponse, OpenApi, payload::Json};

use super::{ConfirmEmail, confirm_email, dto::ConfirmEmailRequest};
use crate::{
    app::AppState,
    error::Problem,
    error_statuses,
    features::{ApiTags, AppError, TokenRefusal, users::User},
    platform::rate_limit::limit_per_ip,
};

pub struct ConfirmEmailRoute;

error_statuses!(ConfirmEmailErrors: 400, 410, 413, 415, 429, 500, 503;
    400 => "The request could not be parsed, or the token is not valid (`/problems/verification-token-invalid`).",
    410 => "The token was already used (`/problems/verification-token-used`), has expired (`/problems/verification-token-expired`), or the account's address changed since it was sent (`/problems/verification-token-address-changed`).",
);

#[derive(ApiResponse)]
pub enum ConfirmEmailResponse {
    /// The address is confirmed; the account as it is now.
    #[oai(status = 200)]
    Ok(Json<User>),
}

#[OpenApi(prefix_path = "/api/v1", tag = "ApiTags::Users")]
impl ConfirmEmailRoute {
    /// Confirm my e-mail address
    ///
    /// Takes the single-use token from the confirmation e-mail (no bearer token needed, so the
    /// link works on any device) and marks the address it was sent to as confirmed.
    #[oai(
        path = "/users/email-verification/confirm",
        method = "post",
        operation_id = "confirmEmailVerification",
        transform = "limit_per_ip"
    )]
    async fn confirm_email(
        &self,
        state: Data<&AppState>,
        body: Json<ConfirmEmailRequest>,
    ) -> Result<ConfirmEmailResponse, Problem<ConfirmEmailErrors>> {
        let command = ConfirmEmail::parse(body.0)
            .ok_or(AppError::VerificationToken(TokenRefusal::Unknown))?;
        let user = confirm_email(&state.db, command).await?;
        Ok(ConfirmEmailResponse::Ok(Json(user.into())))
    }
}
