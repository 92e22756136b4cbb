use poem::web::Data;
use poem_openapi::{ApiResponse, OpenApi, param::Path, payload::Json};

use super::handler::{delete_passkey, no_such_passkey};
use crate::{
    features::passkeys::dto::{Confirmation, ConfirmedByPassword},
    http::{ApiError, ApiTags, AppState, Authenticated, Problem, ResourceId, error_statuses},
    services::audit::Provenance,
};

#[derive(Default)]
pub(crate) struct DeletePasskeyRoute;

error_statuses!(DeletePasskeyErrors: 400, 401, 403, 404, 413, 415, 422, 429, 500, 503;
    403 => "The password is wrong (`/problems/wrong-password`), or the account has TOTP and the code is missing (`/problems/mfa-code-required`) or wrong (`/problems/wrong-mfa-code`); a wrong one counts as a failed login of the account.",
    404 => "The caller has no passkey with this id: unknown, another account's, or not a UUID.",
    429 => "A rate limit was exceeded, including the account's failed logins (`RATE_LIMIT_LOGIN_FAILURES`); retry after `Retry-After` seconds.",
);

#[derive(ApiResponse)]
enum DeletePasskeyResponse {
    /// The passkey is gone; the owner is mailed.
    #[oai(status = 204)]
    Deleted,
}

#[OpenApi(prefix_path = "/api/v1", tag = "ApiTags::Passkeys")]
impl DeletePasskeyRoute {
    /// Delete a passkey
    ///
    /// Confirmed by the password (and, with TOTP on, a code). The authenticator keeps its
    /// copy, but this service no longer accepts it. The owner is mailed.
    #[oai(
        path = "/passkeys/:id",
        method = "delete",
        operation_id = "deletePasskey"
    )]
    async fn delete_passkey(
        &self,
        caller: Authenticated,
        state: Data<&AppState>,
        provenance: Provenance,
        /// The passkey id.
        id: Path<ResourceId>,
        body: Json<ConfirmedByPassword>,
    ) -> Result<DeletePasskeyResponse, Problem<DeletePasskeyErrors>> {
        let confirmation = Confirmation::try_from(body.0).map_err(ApiError::validation)?;
        let id = id.get().ok_or_else(no_such_passkey)?;
        delete_passkey(&state, &caller, &provenance, id, confirmation).await?;
        Ok(DeletePasskeyResponse::Deleted)
    }
}
