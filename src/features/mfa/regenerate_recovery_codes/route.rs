use poem::web::Data;
use poem_openapi::{ApiResponse, OpenApi, payload::Json};

use super::handler::regenerate_recovery_codes;
use crate::{
    features::mfa::dto::{Confirmation, ConfirmedByCode, RecoveryCodes},
    http::{ApiError, ApiTags, AppState, Authenticated, Problem, error_statuses},
    services::audit::Provenance,
};

#[derive(Default)]
pub(crate) struct RegenerateRecoveryCodesRoute;

error_statuses!(RegenerateRecoveryCodesErrors: 400, 401, 403, 409, 413, 415, 422, 429, 500, 503;
    403 => "The password is wrong (`/problems/wrong-password`) or the code is (`/problems/wrong-mfa-code`); either counts as a failed login of the account.",
    409 => "The account has no TOTP (`/problems/totp-not-enabled`).",
    429 => "A rate limit was exceeded, including the account's failed logins (`RATE_LIMIT_LOGIN_FAILURES`); retry after `Retry-After` seconds.",
);

#[derive(ApiResponse)]
enum RegenerateRecoveryCodesResponse {
    /// The new codes, shown this once; the old ones no longer work.
    #[oai(status = 200)]
    Ok(
        Json<RecoveryCodes>,
        /// Always `no-store`: the answer holds the recovery codes.
        #[oai(header = "Cache-Control")]
        String,
    ),
}

#[OpenApi(prefix_path = "/api/v1", tag = "ApiTags::Mfa")]
impl RegenerateRecoveryCodesRoute {
    /// Replace my recovery codes
    ///
    /// Ten new single-use recovery codes, confirmed by the password and a code (from the
    /// app, or a recovery code, which is spent first). Every earlier code stops working.
    #[oai(
        path = "/mfa/recovery-codes",
        method = "post",
        operation_id = "regenerateRecoveryCodes"
    )]
    async fn regenerate_recovery_codes(
        &self,
        caller: Authenticated,
        state: Data<&AppState>,
        provenance: Provenance,
        body: Json<ConfirmedByCode>,
    ) -> Result<RegenerateRecoveryCodesResponse, Problem<RegenerateRecoveryCodesErrors>> {
        let confirmation = Confirmation::try_from(body.0).map_err(ApiError::validation)?;
        let check = state.credential_check();
        let recovery_codes =
            regenerate_recovery_codes(check, &state.clock, &caller, &provenance, confirmation)
                .await?;
        Ok(RegenerateRecoveryCodesResponse::Ok(
            Json(RecoveryCodes { recovery_codes }),
            "no-store".into(),
        ))
    }
}
