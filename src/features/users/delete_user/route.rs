use poem::web::Data;
use poem_openapi::{ApiResponse, OpenApi, payload::Json};

use super::{DeleteUser, delete_user, dto::DeleteUserRequest};
use crate::{
    app::AppState,
    domain::Password,
    error::Problem,
    error_statuses,
    features::{ApiTags, users::User},
    platform::auth::Auth,
    platform::rate_limit::limit_per_ip_and_user,
};

pub struct DeleteUserRoute;

error_statuses!(DeleteUserErrors: 400, 401, 403, 404, 413, 415, 429, 500, 503);

#[derive(ApiResponse)]
pub enum DeleteUserResponse {
    /// The account was deleted; its tokens stop working at once.
    #[oai(status = 200)]
    Ok(Json<User>),
}

#[OpenApi(prefix_path = "/api/v1", tag = "ApiTags::Users")]
impl DeleteUserRoute {
    /// Delete my account
    ///
    /// Deletes the caller's account after checking its password, and returns it.
    #[oai(
        path = "/users",
        method = "delete",
        operation_id = "deleteCurrentUser",
        transform = "limit_per_ip_and_user"
    )]
    async fn delete_user(
        &self,
        state: Data<&AppState>,
        auth: Auth,
        body: Json<DeleteUserRequest>,
    ) -> Result<DeleteUserResponse, Problem<DeleteUserErrors>> {
        let command = DeleteUser {
            user_id: auth.user_id(),
            password: Password::unchecked(body.0.password.into_inner()),
        };
        let user = delete_user(&state.db, &state.hasher, command).await?;
        Ok(DeleteUserResponse::Ok(Json(user.into())))
    }
}
