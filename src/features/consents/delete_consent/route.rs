use poem::web::Data;
use poem_openapi::{ApiResponse, OpenApi, param::Path};

use super::error::no_such_consent;
use crate::{
    http::{ApiError, ApiTags, AppState, Authenticated, Problem, ResourceId, error_statuses},
    services::{audit::Provenance, oidc},
};

#[derive(Default)]
pub(crate) struct DeleteConsentRoute;

error_statuses!(DeleteConsentErrors: 401, 404, 429, 500, 503;
    404 => "The caller has no consent for a client with this id: never given, already withdrawn, or not a UUID.",
);

#[derive(ApiResponse)]
enum DeleteConsentResponse {
    /// The consent is gone and the client's sessions for this account have ended: its
    /// access and refresh tokens stop working at once, and its next sign-in asks again.
    #[oai(status = 204)]
    NoContent,
}

#[OpenApi(prefix_path = "/api/v1", tag = "ApiTags::Consents")]
impl DeleteConsentRoute {
    /// Withdraw my consent from a client
    ///
    /// Forgets the scopes the caller granted the client `client_id` (as listed by
    /// `listConsents`) and ends every session that client holds for this account.
    #[oai(
        path = "/consents/:client_id",
        method = "delete",
        operation_id = "deleteConsent"
    )]
    async fn delete_consent(
        &self,
        caller: Authenticated,
        state: Data<&AppState>,
        provenance: Provenance,
        /// The client's `client_id`.
        client_id: Path<ResourceId>,
    ) -> Result<DeleteConsentResponse, Problem<DeleteConsentErrors>> {
        let client_id = client_id.get().ok_or_else(no_such_consent)?;
        let now = state.clock.now();
        oidc::revoke_consent(&state.db, caller.user_id(), client_id, &provenance, now)
            .await
            .map_err(ApiError::from)?
            .ok_or_else(no_such_consent)?;
        Ok(DeleteConsentResponse::NoContent)
    }
}
