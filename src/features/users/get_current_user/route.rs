use poem::web::Data;
use poem_openapi::{ApiResponse, OpenApi, payload::Json};

use super::{handler::get_current_user, query::GetCurrentUser};
use crate::{
    features::{ApiTags, users::User},
    http::{AppState, Authenticated, Problem, error_statuses},
};

#[derive(Default)]
pub(crate) struct GetCurrentUserRoute;

error_statuses!(GetCurrentUserErrors: 401, 404, 429, 500, 503);

#[derive(ApiResponse)]
enum GetCurrentUserResponse {
    /// The caller's account.
    #[oai(status = 200)]
    Ok(Json<User>),
}

#[OpenApi(prefix_path = "/api/v1", tag = "ApiTags::Users")]
impl GetCurrentUserRoute {
    /// Get my account
    ///
    /// Returns the account the bearer token belongs to.
    #[oai(path = "/users", method = "get", operation_id = "getCurrentUser")]
    async fn get_current_user(
        &self,
        caller: Authenticated,
        state: Data<&AppState>,
    ) -> Result<GetCurrentUserResponse, Problem<GetCurrentUserErrors>> {
        let query = GetCurrentUser {
            user_id: caller.user_id(),
        };
        let user = get_current_user(&state.db, query).await?;
        Ok(GetCurrentUserResponse::Ok(Json(user.into())))
    }
}
