use poem::web::Data;
use poem_openapi::{ApiResponse, OpenApi, payload::Json};

use super::handler::delete_totp;
use crate::{
    features::mfa::dto::{Confirmation, ConfirmedByCode},
    http::{ApiError, ApiTags, AppState, Authenticated, Problem, error_statuses},
    services::audit::Provenance,
};

#[derive(Default)]
pub(crate) struct DeleteTotpRoute;

error_statuses!(DeleteTotpErrors: 400, 401, 403, 409, 413, 415, 422, 429, 500, 503;
    403 => "The password is wrong (`/problems/wrong-password`) or the code is (`/problems/wrong-mfa-code`); either counts as a failed login of the account.",
    409 => "The account has no TOTP (`/problems/totp-not-enabled`).",
    429 => "A rate limit was exceeded, including the account's failed logins (`RATE_LIMIT_LOGIN_FAILURES`); retry after `Retry-After` seconds.",
);

#[derive(ApiResponse)]
enum DeleteTotpResponse {
    /// TOTP and the recovery codes are gone; every other session has ended.
    #[oai(status = 204)]
    Deleted,
}

#[OpenApi(prefix_path = "/api/v1", tag = "ApiTags::Mfa")]
impl DeleteTotpRoute {
    /// Remove TOTP
    ///
    /// Turns two-step sign-in off, confirmed by the password and a code (from the app, or
    /// a recovery code). The recovery codes go too, every other session of the account
    /// ends, and the owner is mailed.
    #[oai(path = "/mfa/totp", method = "delete", operation_id = "deleteTotp")]
    async fn delete_totp(
        &self,
        caller: Authenticated,
        state: Data<&AppState>,
        provenance: Provenance,
        body: Json<ConfirmedByCode>,
    ) -> Result<DeleteTotpResponse, Problem<DeleteTotpErrors>> {
        let confirmation = Confirmation::try_from(body.0).map_err(ApiError::validation)?;
        let check = state.credential_check();
        delete_totp(check, &state.clock, &caller, &provenance, confirmation).await?;
        Ok(DeleteTotpResponse::Deleted)
    }
}
