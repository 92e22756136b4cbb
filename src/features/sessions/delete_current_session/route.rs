use poem::web::Data;
use poem_openapi::{ApiResponse, OpenApi};

use super::command::log_out;
use crate::{
    http::{ApiError, ApiTags, AppState, Authenticated, Problem, error_statuses},
    services::{audit::Provenance, sessions},
};

#[derive(Default)]
pub(crate) struct DeleteCurrentSessionRoute;

error_statuses!(DeleteCurrentSessionErrors: 401, 429, 500, 503);

#[derive(ApiResponse)]
enum DeleteCurrentSessionResponse {
    /// Logged out: the session's access and refresh tokens stop working at once.
    #[oai(status = 204)]
    NoContent,
}

#[OpenApi(prefix_path = "/api/v1", tag = "ApiTags::Sessions")]
impl DeleteCurrentSessionRoute {
    /// Log out
    ///
    /// Ends the session the bearer token belongs to; its access token and refresh token are
    /// refused from the next request on. Other sessions are untouched.
    #[oai(
        path = "/sessions/current",
        method = "delete",
        operation_id = "deleteCurrentSession"
    )]
    async fn delete_current_session(
        &self,
        caller: Authenticated,
        state: Data<&AppState>,
        provenance: Provenance,
    ) -> Result<DeleteCurrentSessionResponse, Problem<DeleteCurrentSessionErrors>> {
        let now = state.clock.now();
        sessions::end_by_owner(&state.db, log_out(&caller), &provenance, now)
            .await
            .map_err(ApiError::from)?;
        Ok(DeleteCurrentSessionResponse::NoContent)
    }
}
