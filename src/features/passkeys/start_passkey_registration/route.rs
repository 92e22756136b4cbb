use poem::web::Data;
use poem_openapi::{ApiResponse, OpenApi, payload::Json};

use crate::{
    features::passkeys::dto::{Confirmation, ConfirmedByPassword, WebAuthnOptions},
    http::{ApiError, ApiTags, AppState, Authenticated, Problem, error_statuses},
    services::{
        audit::Provenance,
        credentials::{self, Confirming},
        passkeys,
    },
};

#[derive(Default)]
pub(crate) struct StartPasskeyRegistrationRoute;

error_statuses!(StartPasskeyRegistrationErrors: 400, 401, 403, 413, 415, 422, 429, 500, 503;
    403 => "The password is wrong (`/problems/wrong-password`), or the account has TOTP and the code is missing (`/problems/mfa-code-required`) or wrong (`/problems/wrong-mfa-code`); a wrong one counts as a failed login of the account.",
    429 => "A rate limit was exceeded, including the account's failed logins (`RATE_LIMIT_LOGIN_FAILURES`); retry after `Retry-After` seconds.",
    503 => "Passkeys are not configured on this service (`/problems/passkeys-not-configured`), or a dependency is unavailable.",
);

#[derive(ApiResponse)]
enum StartPasskeyRegistrationResponse {
    /// The creation options; answer them within 5 minutes with `createPasskey`.
    #[oai(status = 200)]
    Ok(Json<WebAuthnOptions>),
}

#[OpenApi(prefix_path = "/api/v1", tag = "ApiTags::Passkeys")]
impl StartPasskeyRegistrationRoute {
    /// Start registering a passkey
    ///
    /// Confirmed by the password (and, with TOTP on, a code), answers the options for
    /// `navigator.credentials.create`: a discoverable credential (resident key required)
    /// with user verification, the account's passkeys excluded. The challenge is single
    /// use, lives 5 minutes, and replaces an unfinished registration.
    #[oai(
        path = "/passkeys/registration",
        method = "post",
        operation_id = "startPasskeyRegistration"
    )]
    async fn start_passkey_registration(
        &self,
        caller: Authenticated,
        state: Data<&AppState>,
        provenance: Provenance,
        body: Json<ConfirmedByPassword>,
    ) -> Result<StartPasskeyRegistrationResponse, Problem<StartPasskeyRegistrationErrors>> {
        let confirmation = Confirmation::try_from(body.0).map_err(ApiError::validation)?;
        state.passkeys.relying_party().map_err(ApiError::from)?;
        let account = &caller.account;
        let confirming = Confirming {
            operation: "startPasskeyRegistration",
            code: confirmation.code.as_deref(),
            provenance: &provenance,
            now: state.clock.now(),
        };
        credentials::confirm_password(
            state.credential_check(),
            account,
            &confirmation.password,
            confirming,
        )
        .await
        .map_err(ApiError::from)?;
        let options =
            passkeys::start_registration(&state.db, &state.passkeys, account, state.clock.now())
                .await
                .map_err(ApiError::from)?;
        let public_key =
            serde_json::to_value(options.public_key).map_err(|e| ApiError::internal(&e))?;
        Ok(StartPasskeyRegistrationResponse::Ok(Json(
            WebAuthnOptions { public_key },
        )))
    }
}
