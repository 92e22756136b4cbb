use poem::web::Data;
use poem_openapi::{ApiResponse, OpenApi, payload::Json};

use super::{command::DeleteUser, dto::DeleteUserRequest, handler::delete_user};
use crate::{
    features::users::dto::User,
    http::{ApiError, ApiTags, AppState, Authenticated, Problem, error_statuses},
    services::audit::Provenance,
};

#[derive(Default)]
pub(crate) struct DeleteCurrentUserRoute;

error_statuses!(DeleteUserErrors: 400, 401, 403, 404, 409, 413, 415, 422, 429, 500, 503;
    403 => "The password is wrong (`/problems/wrong-password`), or the account has a second factor and `code` is missing (`/problems/mfa-code-required`) or wrong (`/problems/wrong-mfa-code`); a wrong password or code counts as a failed login of the account and is audited.",
    409 => "The account is the last enabled one holding `users:write` (`/problems/lockout`): grant it to another account first.",
    429 => "A rate limit was exceeded, including the account's failed logins (`RATE_LIMIT_LOGIN_FAILURES`, wrong passwords here included); retry after `Retry-After` seconds.",
);

#[derive(ApiResponse)]
enum DeleteUserResponse {
    /// The account was deleted; its tokens stop working at once.
    #[oai(status = 200)]
    Ok(Json<User>),
}

#[OpenApi(prefix_path = "/api/v1", tag = "ApiTags::Users")]
impl DeleteCurrentUserRoute {
    /// Delete my account
    ///
    /// Deletes the caller's account after checking its password, and returns it. A wrong
    /// password counts as a failed login of the account. The last enabled account holding
    /// `users:write` cannot delete itself.
    #[oai(path = "/users", method = "delete", operation_id = "deleteCurrentUser")]
    async fn delete_user(
        &self,
        caller: Authenticated,
        state: Data<&AppState>,
        provenance: Provenance,
        body: Json<DeleteUserRequest>,
    ) -> Result<DeleteUserResponse, Problem<DeleteUserErrors>> {
        let command = DeleteUser::parse(caller, body.0).map_err(ApiError::validation)?;
        let state = &*state;
        let user =
            delete_user(state.credential_check(), &state.clock, &provenance, command).await?;
        Ok(DeleteUserResponse::Ok(Json(user.into())))
    }
}
