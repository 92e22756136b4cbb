use poem::web::Data;
use poem_openapi::{ApiResponse, OpenApi, param::Path, payload::Json};

use super::{handler::list_user_sessions, query::ListUserSessions};
use crate::{
    features::sessions::dto::UserSession,
    http::{ApiTags, AppState, Permitted, Problem, ResourceId, can, error_statuses},
};

#[derive(Default)]
pub(crate) struct ListUserSessionsRoute;

error_statuses!(ListUserSessionsErrors: 401, 403, 404, 429, 500, 503;
    403 => "The caller lacks the `users:read` permission (`/problems/missing-permission`).",
    404 => "No account has this id (or it is not a UUID).",
);

#[derive(ApiResponse)]
enum ListUserSessionsResponse {
    /// The account's live sessions, newest first.
    #[oai(status = 200)]
    Ok(Json<Vec<UserSession>>),
}

#[OpenApi(prefix_path = "/api/v1", tag = "ApiTags::Admin")]
impl ListUserSessionsRoute {
    /// List an account's sessions
    ///
    /// The live sessions (one per login and device) of the account `id`, newest first.
    #[oai(
        path = "/admin/users/:id/sessions",
        method = "get",
        operation_id = "listUserSessions"
    )]
    async fn list_user_sessions(
        &self,
        _caller: Permitted<can::ReadUsers>,
        state: Data<&AppState>,
        /// The account id.
        id: Path<ResourceId>,
    ) -> Result<ListUserSessionsResponse, Problem<ListUserSessionsErrors>> {
        let query = ListUserSessions { user_id: id.get() };
        let sessions = list_user_sessions(&state.db, &state.clock, &state.sessions, query).await?;
        Ok(ListUserSessionsResponse::Ok(Json(
            sessions.into_iter().map(UserSession::from).collect(),
        )))
    }
}
