use poem::web::Data;
use poem_openapi::{ApiResponse, OpenApi, param::Path};

use super::{command::DeleteUserSessions, handler::delete_user_sessions};
use crate::{
    http::{ApiTags, AppState, Permitted, Problem, ResourceId, can, error_statuses},
    services::audit::Provenance,
};

#[derive(Default)]
pub(crate) struct DeleteUserSessionsRoute;

error_statuses!(DeleteUserSessionsErrors: 401, 403, 404, 429, 500, 503;
    403 => "The caller lacks the `sessions:revoke` permission (`/problems/missing-permission`).",
    404 => "No account has this id (or it is not a UUID).",
);

#[derive(ApiResponse)]
enum DeleteUserSessionsResponse {
    /// The account's sessions have ended (if it had any): their access and refresh tokens
    /// stop working at once.
    #[oai(status = 204)]
    NoContent,
}

#[OpenApi(prefix_path = "/api/v1", tag = "ApiTags::Admin")]
impl DeleteUserSessionsRoute {
    /// End an account's sessions
    ///
    /// Ends every session of the account `id` at once (a stolen device, a compromised
    /// password): its tokens are refused from the next request on; it can log in again.
    /// Audited as `session.revoked` with the number ended, when there was any.
    #[oai(
        path = "/admin/users/:id/sessions",
        method = "delete",
        operation_id = "deleteUserSessions"
    )]
    async fn delete_user_sessions(
        &self,
        caller: Permitted<can::RevokeSessions>,
        state: Data<&AppState>,
        provenance: Provenance,
        /// The account id.
        id: Path<ResourceId>,
    ) -> Result<DeleteUserSessionsResponse, Problem<DeleteUserSessionsErrors>> {
        let command = DeleteUserSessions {
            actor: caller.caller.user_id(),
            target: id.get(),
        };
        delete_user_sessions(&state.db, &state.clock, &provenance, command).await?;
        Ok(DeleteUserSessionsResponse::NoContent)
    }
}
