use poem::web::Data;
use poem_openapi::{ApiResponse, OpenApi, payload::Json};

use super::{dto::Session, handler::list_sessions, query::ListSessions};
use crate::http::{ApiTags, AppState, Authenticated, Problem, error_statuses};

#[derive(Default)]
pub(crate) struct ListSessionsRoute;

error_statuses!(ListSessionsErrors: 401, 429, 500, 503);

#[derive(ApiResponse)]
enum ListSessionsResponse {
    /// The caller's live sessions, newest first.
    #[oai(status = 200)]
    Ok(Json<Vec<Session>>),
}

#[OpenApi(prefix_path = "/api/v1", tag = "ApiTags::Sessions")]
impl ListSessionsRoute {
    /// List my sessions
    ///
    /// The caller's live sessions (one per login and device), newest first; `current` marks
    /// the one the bearer token belongs to.
    #[oai(path = "/sessions", method = "get", operation_id = "listSessions")]
    async fn list_sessions(
        &self,
        caller: Authenticated,
        state: Data<&AppState>,
    ) -> Result<ListSessionsResponse, Problem<ListSessionsErrors>> {
        let query = ListSessions {
            user_id: caller.user_id(),
        };
        let sessions = list_sessions(&state.db, &state.clock, &state.sessions, query).await?;
        let listed = sessions.into_iter().map(|session| Session {
            current: session.id == caller.session_id,
            session: session.into(),
        });
        Ok(ListSessionsResponse::Ok(Json(listed.collect())))
    }
}
