use poem::web::Data;
use poem_openapi::{ApiResponse, OpenApi, param::Path, payload::Json};

use super::{handler::get_user, query::GetUser};
use crate::{
    features::admin::dto::AdminUserDetail,
    http::{ApiTags, AppState, Permitted, Problem, ResourceId, can, error_statuses},
};

#[derive(Default)]
pub(crate) struct GetUserRoute;

error_statuses!(GetUserErrors: 401, 403, 404, 429, 500, 503;
    403 => "The caller lacks the `users:read` permission.",
    404 => "No account has this id (or it is not a UUID).",
);

#[derive(ApiResponse)]
enum GetUserResponse {
    /// The account, its permissions and its live sessions.
    #[oai(status = 200)]
    Ok(Json<AdminUserDetail>),
}

#[OpenApi(prefix_path = "/api/v1", tag = "ApiTags::Admin")]
impl GetUserRoute {
    /// Get an account
    ///
    /// Any account by id, with the permissions it holds and how many live sessions it has.
    #[oai(path = "/admin/users/:id", method = "get", operation_id = "getUser")]
    async fn get_user(
        &self,
        _caller: Permitted<can::ReadUsers>,
        state: Data<&AppState>,
        /// The account id.
        id: Path<ResourceId>,
    ) -> Result<GetUserResponse, Problem<GetUserErrors>> {
        let query = GetUser { id: id.get() };
        let view = get_user(&state.db, &state.clock, &state.sessions, query).await?;
        Ok(GetUserResponse::Ok(Json(view.into())))
    }
}
