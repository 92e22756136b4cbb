use poem::web::Data;
use poem_openapi::{ApiResponse, OpenApi, payload::Json};

use super::dto::ConfirmTotpRequest;
use crate::{
    domain::FieldError,
    features::mfa::dto::RecoveryCodes,
    http::{ApiError, ApiTags, AppState, Authenticated, Problem, error_statuses},
    services::{audit::Provenance, mfa},
};

#[derive(Default)]
pub(crate) struct ConfirmTotpRoute;

error_statuses!(ConfirmTotpErrors: 400, 401, 403, 409, 413, 415, 422, 429, 500, 503;
    403 => "The code is not the secret's current one (`/problems/wrong-mfa-code`): check the phone's clock, or wait for the next code.",
    409 => "No enrolment is pending, or it is older than 15 minutes (`/problems/no-totp-enrolment`), or TOTP is already on (`/problems/totp-already-enabled`).",
);

#[derive(ApiResponse)]
enum ConfirmTotpResponse {
    /// TOTP is on; the recovery codes are shown this once.
    #[oai(status = 200)]
    Ok(
        Json<RecoveryCodes>,
        /// Always `no-store`: the answer holds the recovery codes.
        #[oai(header = "Cache-Control")]
        String,
    ),
}

#[OpenApi(prefix_path = "/api/v1", tag = "ApiTags::Mfa")]
impl ConfirmTotpRoute {
    /// Confirm the TOTP enrolment
    ///
    /// Turns TOTP on with the first code the authenticator app shows for the pending
    /// secret. From now on a login takes a second step, and changing the password, the
    /// e-mail address or the second factors, or deleting the account, takes a `code` too.
    /// Answers ten single-use recovery codes, shown this once; the owner is mailed.
    #[oai(
        path = "/mfa/totp/confirm",
        method = "post",
        operation_id = "confirmTotp"
    )]
    async fn confirm_totp(
        &self,
        caller: Authenticated,
        state: Data<&AppState>,
        provenance: Provenance,
        body: Json<ConfirmTotpRequest>,
    ) -> Result<ConfirmTotpResponse, Problem<ConfirmTotpErrors>> {
        let code = body
            .0
            .code
            .value()
            .map_err(|message| ApiError::validation(vec![FieldError::new("code", message)]))?;
        let now = state.clock.now();
        let recovery_codes = mfa::confirm_totp(
            &state.db,
            &state.totp,
            &caller.account,
            &code,
            &provenance,
            now,
        )
        .await
        .map_err(ApiError::from)?;
        Ok(ConfirmTotpResponse::Ok(
            Json(RecoveryCodes { recovery_codes }),
            "no-store".into(),
        ))
    }
}
