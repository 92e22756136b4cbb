use poem::web::Data;
use poem_openapi::{ApiResponse, Object, OpenApi, payload::Json};

use super::handler::{NewPasskey, create_passkey};
use crate::{
    domain::Validator,
    features::passkeys::dto::{PasskeyNameRules, PasskeyView, passkey_name},
    http::{
        ApiError, ApiTags, AppState, Authenticated, JsonObject, OptionalString, Problem,
        error_statuses,
    },
    services::audit::Provenance,
};

#[derive(Default)]
pub(crate) struct CreatePasskeyRoute;

error_statuses!(CreatePasskeyErrors: 400, 401, 409, 413, 415, 422, 429, 500, 503;
    409 => "This authenticator's passkey is already registered, to this account or another (`/problems/passkey-already-registered`).",
    422 => "A field is invalid (`errors` names it), including a `credential` that registers nothing: not a WebAuthn registration response, answering no open registration of this account (unknown, used, or older than 5 minutes), or refused by WebAuthn (origin not in `WEBAUTHN_ORIGINS`, RP ID, challenge, no user verification).",
    503 => "Passkeys are not configured on this service (`/problems/passkeys-not-configured`), or a dependency is unavailable.",
);

/// The authenticator's answer to `startPasskeyRegistration`, and a name for the passkey.
#[derive(Object)]
struct CreatePasskeyRequest {
    /// What `navigator.credentials.create` resolved to, as WebAuthn Level 3's
    /// `RegistrationResponseJSON` (`credential.toJSON()`): `id`, `rawId`, `type`,
    /// `response.clientDataJSON`, `response.attestationObject`, `response.transports`,
    /// base64url.
    credential: JsonObject,
    /// 1 to 64 characters, not all spaces, no control characters (line breaks, tabs); trimmed;
    /// default `Passkey`.
    name: OptionalString<PasskeyNameRules>,
}

#[derive(ApiResponse)]
enum CreatePasskeyResponse {
    /// The passkey is registered; the owner is mailed.
    #[oai(status = 201)]
    Created(Json<PasskeyView>),
}

#[OpenApi(prefix_path = "/api/v1", tag = "ApiTags::Passkeys")]
impl CreatePasskeyRoute {
    /// Register a passkey
    ///
    /// Verifies the authenticator's answer to the caller's open registration (single use)
    /// and stores the passkey: from now on it signs in without a username or password, and
    /// answers a password login's second step. The owner is mailed.
    #[oai(path = "/passkeys", method = "post", operation_id = "createPasskey")]
    async fn create_passkey(
        &self,
        caller: Authenticated,
        state: Data<&AppState>,
        provenance: Provenance,
        body: Json<CreatePasskeyRequest>,
    ) -> Result<CreatePasskeyResponse, Problem<CreatePasskeyErrors>> {
        let mut v = Validator::default();
        let credential = v.check("credential", body.0.credential.value());
        let name = body
            .0
            .name
            .value()
            .map(|name| v.check("name", passkey_name(name)));
        let new = v
            .finish(|| {
                Some(NewPasskey {
                    credential: credential?,
                    name: name.unwrap_or_else(|| Some("Passkey".into()))?,
                })
            })
            .map_err(ApiError::validation)?;
        let created = create_passkey(&state, &caller, &provenance, new).await?;
        Ok(CreatePasskeyResponse::Created(Json(created.into())))
    }
}
