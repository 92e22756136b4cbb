use poem::web::Data;
use poem_openapi::{ApiResponse, OpenApi, param::Path};

use super::{command::end_one, error::no_such_session};
use crate::{
    http::{ApiError, ApiTags, AppState, Authenticated, Problem, ResourceId, error_statuses},
    services::{audit::Provenance, sessions},
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
        let ending = end_one(&caller, id.get().ok_or_else(no_such_session)?);
        let now = state.clock.now();
        match sessions::end_by_owner(&state.db, ending, &provenance, now)
            .await
            .map_err(ApiError::from)?
        {
            0 => Err(no_such_session().into()),
            _ => Ok(DeleteSessionResponse::NoContent),
        }
    }
}
