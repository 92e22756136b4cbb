use poem::web::Data;
use poem_openapi::{ApiResponse, OpenApi};

use super::command::end_the_others;
use crate::{
    http::{ApiError, ApiTags, AppState, Authenticated, Problem, error_statuses},
    services::{audit::Provenance, sessions},
};

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
        let now = state.clock.now();
        sessions::end_by_owner(&state.db, end_the_others(&caller), &provenance, now)
            .await
            .map_err(ApiError::from)?;
        Ok(DeleteOtherSessionsResponse::NoContent)
    }
}
