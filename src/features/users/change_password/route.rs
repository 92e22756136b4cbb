use poem::web::Data;
use poem_openapi::{ApiResponse, OpenApi, payload::Json};

use super::{command::ChangePassword, dto::ChangePasswordRequest, handler::change_password};
use crate::{
    http::{ApiError, ApiTags, AppState, Authenticated, Problem, error_statuses},
    services::audit::Provenance,
};

#[derive(Default)]
pub(crate) struct ChangePasswordRoute;

error_statuses!(ChangePasswordErrors: 400, 401, 403, 413, 415, 422, 429, 500, 503;
    403 => "The current password is wrong (`/problems/wrong-password`), or the account has a second factor and `code` is missing (`/problems/mfa-code-required`) or wrong (`/problems/wrong-mfa-code`); a wrong password or code counts as a failed login of the account.",
    422 => "A field is missing or invalid, or the new password breaks the sign-up rules (length, strength, breach check) or equals the current one; `errors` lists each.",
    429 => "A rate limit was exceeded, including the account's failed logins (`RATE_LIMIT_LOGIN_FAILURES`, wrong current passwords included); retry after `Retry-After` seconds.",
);

#[derive(ApiResponse)]
enum ChangePasswordResponse {
    /// The password was changed; every other session has ended, this one goes on.
    #[oai(status = 204)]
    Changed,
}

#[OpenApi(prefix_path = "/api/v1", tag = "ApiTags::Users")]
impl ChangePasswordRoute {
    /// Change my password
    ///
    /// Replaces the caller's password after checking the current one. Every other session
    /// of the account ends at once (their access and refresh tokens stop working); the
    /// caller's session goes on. Unused password-reset tokens are spent, and the account's
    /// address gets an e-mail saying the password changed.
    #[oai(
        path = "/users/password",
        method = "put",
        operation_id = "changePassword"
    )]
    async fn change_password(
        &self,
        caller: Authenticated,
        state: Data<&AppState>,
        provenance: Provenance,
        body: Json<ChangePasswordRequest>,
    ) -> Result<ChangePasswordResponse, Problem<ChangePasswordErrors>> {
        let command = ChangePassword::try_from(body.0).map_err(ApiError::validation)?;
        change_password(
            state.credential_check(),
            &state.clock,
            &state.password_policy(),
            &caller,
            &provenance,
            command,
        )
        .await?;
        Ok(ChangePasswordResponse::Changed)
    }
}
