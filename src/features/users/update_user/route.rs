use poem::web::Data;
use poem_openapi::{ApiResponse, OpenApi, payload::Json};

use super::{UpdateUser, dto::UpdateUserRequest, update_user};
use crate::{
    app::AppState,
    error::Problem,
    error_statuses,
    features::{ApiTags, AppError, users::User},
    platform::auth::Auth,
    platform::rate_limit::limit_per_ip_and_user,
};

pub struct UpdateUserRoute;

error_statuses!(UpdateUserErrors: 400, 401, 404, 409, 413, 415, 422, 429, 500, 503;
    422 => "One or more fields are invalid, or the address failed the e-mail reputation check; `errors` lists each.",
);

#[derive(ApiResponse)]
pub enum UpdateUserResponse {
    /// The updated account.
    #[oai(status = 200)]
    Ok(Json<User>),
}

#[OpenApi(prefix_path = "/api/v1", tag = "ApiTags::Users")]
impl UpdateUserRoute {
    /// Update my account
    ///
    /// Changes the username and/or the e-mail address. A new address must pass the
    /// reputation check (when on) and be confirmed again: a confirmation e-mail goes to it.
    #[oai(
        path = "/users",
        method = "patch",
        operation_id = "updateCurrentUser",
        transform = "limit_per_ip_and_user"
    )]
    async fn update_user(
        &self,
        state: Data<&AppState>,
        auth: Auth,
        body: Json<UpdateUserRequest>,
    ) -> Result<UpdateUserResponse, Problem<UpdateUserErrors>> {
        let command = UpdateUser::parse(auth.user_id(), body.0).map_err(AppError::from)?;
        let user = update_user(&state.db, &state.verifier, command).await?;
        Ok(UpdateUserResponse::Ok(Json(user.into())))
    }
}
