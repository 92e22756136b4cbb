use poem::web::Data;
use poem_openapi::{ApiResponse, OpenApi};

use super::{command::DeleteOtherSessions, handler::delete_other_sessions};
use crate::http::{ApiTags, AppState, Authenticated, Problem, Provenance, error_statuses};

#[derive(Default)]
pub(crate) struct DeleteOtherSessionsRoute;

error_statuses!(DeleteOtherSessionsErrors: 401, 429, 500, 503);

#[derive(ApiResponse)]
enum DeleteOtherSessionsResponse {
    /// Every other session has ended; the current one goes on.
    #[oai(status = 204)]
    NoContent,
}

#[OpenApi(prefix_path = "/api/v1", tag = "ApiTags::Sessions")]
impl DeleteOtherSessionsRoute {
    /// End my other sessions
    ///
    /// Ends every session of the caller's but the one the bearer token belongs to (log out
    /// everywhere else); their tokens stop working at once.
    #[oai(
        path = "/sessions",
        method = "delete",
        operation_id = "deleteOtherSessions"
    )]
    async fn delete_other_sessions(
        &self,
        caller: Authenticated,
        state: Data<&AppState>,
        provenance: Provenance,
    ) -> Result<DeleteOtherSessionsResponse, Problem<DeleteOtherSessionsErrors>> {
        let command = DeleteOtherSessions {
            user_id: caller.user_id(),
            keep: caller.session_id,
        };
        delete_other_sessions(&state.db, &state.clock, &provenance, command).await?;
        Ok(DeleteOtherSessionsResponse::NoContent)
    }
}
