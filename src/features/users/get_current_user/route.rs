use poem_openapi::{ApiResponse, OpenApi, payload::Json};

use crate::{
    features::users::dto::User,
    http::{ApiTags, Authenticated, Problem, error_statuses},
};

#[derive(Default)]
pub(crate) struct GetCurrentUserRoute;

error_statuses!(GetCurrentUserErrors: 401, 429, 500, 503);

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
    ) -> Result<GetCurrentUserResponse, Problem<GetCurrentUserErrors>> {
        Ok(GetCurrentUserResponse::Ok(Json(caller.account.into())))
    }
}
