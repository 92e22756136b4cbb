use poem::web::Data;
use poem_openapi::{ApiResponse, OpenApi, param::Path};

use super::handler::delete_user_mfa;
use crate::{
    http::{ApiTags, AppState, Permitted, Problem, ResourceId, can, error_statuses},
    services::audit::Provenance,
};

#[derive(Default)]
pub(crate) struct DeleteUserMfaRoute;

error_statuses!(DeleteUserMfaErrors: 401, 403, 404, 429, 500, 503;
    403 => "The caller lacks the `users:write` permission (`/problems/missing-permission`).",
    404 => "No account has this id (or it is not a UUID).",
);

#[derive(ApiResponse)]
enum DeleteUserMfaResponse {
    /// The account has no second factor any more (if it had one); its password alone
    /// signs it in.
    #[oai(status = 204)]
    NoContent,
}

#[OpenApi(prefix_path = "/api/v1", tag = "ApiTags::Admin")]
impl DeleteUserMfaRoute {
    /// Remove an account's second factors
    ///
    /// Removes the TOTP, the recovery codes and the passkeys of the account `id`, for an
    /// owner who lost them; they are mailed. Audited as `mfa.reset` when there was anything to remove.
    /// Check who is asking first: this leaves the password as the only hurdle.
    #[oai(
        path = "/admin/users/:id/mfa",
        method = "delete",
        operation_id = "deleteUserMfa"
    )]
    async fn delete_user_mfa(
        &self,
        caller: Permitted<can::WriteUsers>,
        state: Data<&AppState>,
        provenance: Provenance,
        /// The account id.
        id: Path<ResourceId>,
    ) -> Result<DeleteUserMfaResponse, Problem<DeleteUserMfaErrors>> {
        let actor = caller.caller.user_id();
        delete_user_mfa(&state.db, &state.clock, &provenance, actor, id.get()).await?;
        Ok(DeleteUserMfaResponse::NoContent)
    }
}
