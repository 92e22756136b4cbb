use poem::web::Data;
use poem_openapi::{ApiResponse, Object, OpenApi, payload::Json};

use crate::{
    features::passkeys::dto::WebAuthnOptions,
    http::{
        ApiError, ApiTags, AppState, OptionalString, PerIp, Problem, error_statuses,
        invalid_mfa_token,
    },
    infra::security::OneTimeToken,
    services::{mfa::Challenge, passkeys},
};

#[derive(Default)]
pub(crate) struct StartPasskeyAuthenticationRoute;

error_statuses!(StartPasskeyAuthenticationErrors: 400, 401, 409, 413, 415, 422, 429, 500, 503;
    401 => "The `mfa_token` is unknown, already used, expired or spent by wrong codes (`/problems/invalid-mfa-token`): log in again.",
    409 => "The account of the `mfa_token` has no passkey (`/problems/no-passkeys`): answer the second step with a code.",
    503 => "Passkeys are not configured on this service (`/problems/passkeys-not-configured`), or a dependency is unavailable.",
);

/// Which sign-in the options are for.
#[derive(Object)]
struct StartPasskeyAuthenticationRequest {
    /// The `mfa_token` of a password login's `mfa-required` problem, for a second step
    /// (the options then list that account's passkeys); leave it out for a sign-in without
    /// a username (an empty allow list: the authenticator offers its discoverable passkeys).
    #[oai(write_only)]
    mfa_token: OptionalString,
}

#[derive(ApiResponse)]
enum StartPasskeyAuthenticationResponse {
    /// The request options; answer them within 5 minutes at `POST /api/v1/token/access`
    /// (`grant_type` `urn:accounts-api:params:oauth:grant-type:passkey`, or the MFA grant
    /// with `mfa_token`), with the assertion.
    #[oai(status = 200)]
    Ok(Json<WebAuthnOptions>),
}

#[OpenApi(prefix_path = "/api/v1", tag = "ApiTags::Passkeys")]
impl StartPasskeyAuthenticationRoute {
    /// Start a passkey sign-in
    ///
    /// The options for `navigator.credentials.get`, with user verification required. Send
    /// `{}` for a sign-in without a username, or the `mfa_token` of a password login for its
    /// second step. The challenge is single use and lives 5 minutes; any instance of the
    /// service can finish it.
    #[oai(
        path = "/passkeys/authentication",
        method = "post",
        operation_id = "startPasskeyAuthentication"
    )]
    async fn start_passkey_authentication(
        &self,
        _limit: PerIp,
        state: Data<&AppState>,
        body: Json<StartPasskeyAuthenticationRequest>,
    ) -> Result<StartPasskeyAuthenticationResponse, Problem<StartPasskeyAuthenticationErrors>> {
        let mfa_token = match body.0.mfa_token.value() {
            None => None,
            Some(token) => Some(token.map_err(|message| {
                ApiError::validation(vec![crate::domain::FieldError::new("mfa_token", message)])
            })?),
        };
        let (db, now) = (&state.db, state.clock.now());
        state.passkeys.relying_party().map_err(ApiError::from)?;
        let options = match mfa_token {
            None => passkeys::start_sign_in(db, &state.passkeys, now).await,
            Some(token) => {
                let challenge = Challenge::find(db, &token, now)
                    .await
                    .map_err(ApiError::from)?
                    .ok_or_else(invalid_mfa_token)?;
                let hash = OneTimeToken::hash(&token);
                passkeys::start_second_factor(db, &state.passkeys, challenge.user_id, hash, now)
                    .await
            }
        }
        .map_err(ApiError::from)?;
        let public_key =
            serde_json::to_value(options.public_key).map_err(|e| ApiError::internal(&e))?;
        Ok(StartPasskeyAuthenticationResponse::Ok(Json(
            WebAuthnOptions { public_key },
        )))
    }
}
