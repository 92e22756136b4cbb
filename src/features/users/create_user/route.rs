use poem::web::Data;
use poem_openapi::{ApiResponse, OpenApi, payload::Json};

use super::{CreateUser, create_user, dto::CreateUserRequest};
use crate::{
    app::AppState,
    error::Problem,
    error_statuses,
    features::{ApiTags, AppError, users::User},
    platform::rate_limit::limit_per_ip,
};

pub struct CreateUserRoute;

error_statuses!(CreateUserErrors: 400, 409, 413, 415, 422, 429, 500, 503;
    422 => "One or more fields are invalid, or the address failed the e-mail reputation check; `errors` lists each.",
);

#[derive(ApiResponse)]
pub enum CreateUserResponse {
    /// The account was created.
    #[oai(status = 201)]
    Created(Json<User>),
}

#[OpenApi(prefix_path = "/api/v1", tag = "ApiTags::Users")]
impl CreateUserRoute {
    /// Register an account
    ///
    /// Creates an account with a username, an e-mail address and a password. When the
    /// reputation check is on, an address that fails it is refused (422, naming the check);
    /// a confirmation e-mail with a single-use token goes to the address.
    #[oai(
        path = "/users",
        method = "post",
        operation_id = "createUser",
        transform = "limit_per_ip"
    )]
    async fn create_user(
        &self,
        state: Data<&AppState>,
        body: Json<CreateUserRequest>,
    ) -> Result<CreateUserResponse, Problem<CreateUserErrors>> {
        let command = CreateUser::try_from(body.0).map_err(AppError::from)?;
        let user = create_user(&state.db, &state.hasher, &state.verifier, command).await?;
        Ok(CreateUserResponse::Created(Json(user.into())))
    }
}
