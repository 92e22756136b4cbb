use poem::web::Data;
use poem_openapi::{ApiResponse, OpenApi, param::Path};

use super::{command::DeleteSession, error::no_such_session, handler::delete_session};
use crate::http::{
    ApiTags, AppState, Authenticated, Problem, Provenance, ResourceId, error_statuses,
};

#[derive(Default)]
pub(crate) struct DeleteSessionRoute;

error_statuses!(DeleteSessionErrors: 401, 404, 429, 500, 503;
    404 => "The caller has no live session with this id: unknown, another account's, already ended, or not a UUID.",
);

#[derive(ApiResponse)]
enum DeleteSessionResponse {
    /// The session has ended: its access and refresh tokens stop working at once.
    #[oai(status = 204)]
    NoContent,
}

#[OpenApi(prefix_path = "/api/v1", tag = "ApiTags::Sessions")]
impl DeleteSessionRoute {
    /// End one of my sessions
    ///
    /// Ends the caller's session `id` (as listed by `listSessions`), e.g. a lost device's.
    /// Ending the current one this way is a logout.
    #[oai(
        path = "/sessions/:id",
        method = "delete",
        operation_id = "deleteSession"
    )]
    async fn delete_session(
        &self,
        caller: Authenticated,
        state: Data<&AppState>,
        provenance: Provenance,
        /// The session id.
        id: Path<ResourceId>,
    ) -> Result<DeleteSessionResponse, Problem<DeleteSessionErrors>> {
        let command = DeleteSession {
            user_id: caller.user_id(),
            session_id: id.get().ok_or_else(no_such_session)?,
        };
        delete_session(&state.db, &state.clock, &provenance, command).await?;
        Ok(DeleteSessionResponse::NoContent)
    }
}
