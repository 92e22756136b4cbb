use poem::web::Data;
use poem_openapi::{ApiResponse, OpenApi, payload::Json};

use super::{
    dto::{EnrollTotpRequest, TotpEnrolment},
    handler::enroll_totp,
};
use crate::{
    domain::{FieldError, Password},
    http::{ApiError, ApiTags, AppState, Authenticated, Problem, error_statuses},
    services::audit::Provenance,
};

#[derive(Default)]
pub(crate) struct EnrollTotpRoute;

error_statuses!(EnrollTotpErrors: 400, 401, 403, 409, 413, 415, 422, 429, 500, 503;
    403 => "The password is wrong (`/problems/wrong-password`); it counts as a failed login of the account.",
    409 => "The account already has TOTP (`/problems/totp-already-enabled`): remove it first.",
);

#[derive(ApiResponse)]
enum EnrollTotpResponse {
    /// The enrolment is pending: add the secret to an authenticator app, then confirm it
    /// with a code within 15 minutes (`confirmTotp`).
    #[oai(status = 201)]
    Created(
        Json<TotpEnrolment>,
        /// Always `no-store`: the answer holds the secret.
        #[oai(header = "Cache-Control")]
        String,
    ),
}

#[OpenApi(prefix_path = "/api/v1", tag = "ApiTags::Mfa")]
impl EnrollTotpRoute {
    /// Start a TOTP enrolment
    ///
    /// Makes a new TOTP secret for the caller's account (RFC 6238: SHA-1, 6 digits, 30
    /// seconds, what every authenticator app reads) and answers it as base32, as an
    /// otpauth URI and as a QR code. Nothing changes for logins until it is confirmed with a
    /// code (`confirmTotp`) within 15 minutes; a new enrolment replaces a pending one.
    #[oai(path = "/mfa/totp", method = "post", operation_id = "enrollTotp")]
    async fn enroll_totp(
        &self,
        caller: Authenticated,
        state: Data<&AppState>,
        provenance: Provenance,
        body: Json<EnrollTotpRequest>,
    ) -> Result<EnrollTotpResponse, Problem<EnrollTotpErrors>> {
        let password = body.0.current_password.value().map_err(|message| {
            ApiError::validation(vec![FieldError::new("current_password", message)])
        })?;
        let password = Password::unchecked(password);
        let check = state.credential_check();
        let enrolment = enroll_totp(check, &state.clock, &caller, &provenance, password).await?;
        Ok(EnrollTotpResponse::Created(
            Json(enrolment.into()),
            "no-store".into(),
        ))
    }
}
