use poem::web::Data;
use poem_openapi::{ApiResponse, OpenApi, payload::Json};

use super::{GetCurrentUser, get_current_user};
use crate::{
    app::AppState,
    error::Problem,
    error_statuses,
    features::{ApiTags, users::User},
    platform::auth::Auth,
    platform::rate_limit::limit_per_ip_and_user,
};

pub struct GetCurrentUserRoute;

error_statuses!(GetCurrentUserErrors: 401, 404, 429, 500, 503);

#[derive(ApiResponse)]
pub enum GetCurrentUserResponse {
    /// The caller's account.
    #[oai(status = 200)]
    Ok(Json<User>),
}

#[OpenApi(prefix_path = "/api/v1", tag = "ApiTags::Users")]
impl GetCurrentUserRoute {
    /// Get my account
    ///
    /// Returns the account the bearer token belongs to.
    #[oai(
        path = "/users",
        method = "get",
        operation_id = "getCurrentUser",
        transform = "limit_per_ip_and_user"
    )]
    async fn get_current_user(
        &self,
        state: Data<&AppState>,
        auth: Auth,
    ) -> Result<GetCurrentUserResponse, Problem<GetCurrentUserErrors>> {
        let user = get_current_user(
            &state.db,
            GetCurrentUser {
                user_id: auth.user_id(),
            },
        )
        .await?;
        Ok(GetCurrentUserResponse::Ok(Json(user.into())))
    }
}
