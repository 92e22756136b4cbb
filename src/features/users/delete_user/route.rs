use poem::web::Data;
use poem_openapi::{ApiResponse, OpenApi, payload::Json};

use super::{command::DeleteUser, dto::DeleteUserRequest, handler::delete_user};
use crate::{
    features::{ApiTags, users::User},
    http::{ApiError, AppState, Authenticated, Problem, Provenance, error_statuses},
};

#[derive(Default)]
pub(crate) struct DeleteUserRoute;

error_statuses!(DeleteUserErrors: 400, 401, 403, 404, 413, 415, 422, 429, 500, 503);

#[derive(ApiResponse)]
enum DeleteUserResponse {
    /// The account was deleted; its tokens stop working at once.
    #[oai(status = 200)]
    Ok(Json<User>),
}

#[OpenApi(prefix_path = "/api/v1", tag = "ApiTags::Users")]
impl DeleteUserRoute {
    /// Delete my account
    ///
    /// Deletes the caller's account after checking its password, and returns it.
    #[oai(path = "/users", method = "delete", operation_id = "deleteCurrentUser")]
    async fn delete_user(
        &self,
        caller: Authenticated,
        state: Data<&AppState>,
        provenance: Provenance,
        body: Json<DeleteUserRequest>,
    ) -> Result<DeleteUserResponse, Problem<DeleteUserErrors>> {
        let command = DeleteUser::parse(caller.account, body.0).map_err(ApiError::validation)?;
        let user =
            delete_user(&state.db, &state.clock, &state.hasher, &provenance, command).await?;
        Ok(DeleteUserResponse::Ok(Json(user.into())))
    }
}
