use poem::web::Data;
use poem_openapi::{ApiResponse, OpenApi, payload::Json};

use super::{command::UpdateUser, dto::UpdateUserRequest, handler::update_user};
use crate::{
    features::users::dto::User,
    http::{ApiError, ApiTags, AppState, AtLeastOne, Authenticated, Problem, error_statuses},
    services::audit::Provenance,
};

#[derive(Default)]
pub(crate) struct UpdateCurrentUserRoute;

error_statuses!(UpdateUserErrors: 400, 401, 403, 404, 409, 413, 415, 422, 429, 500, 503;
    403 => "`current_password` is wrong (`/problems/wrong-password`), or the account has a second factor and `code` is missing (`/problems/mfa-code-required`) or wrong (`/problems/wrong-mfa-code`); a wrong password or code counts as a failed login of the account and is audited.",
    422 => "One or more fields are invalid, `current_password` is missing for a new address, or the address failed the e-mail reputation check; `errors` lists each.",
    429 => "A rate limit was exceeded: the caller's, the account's failed logins (`RATE_LIMIT_LOGIN_FAILURES`), or its confirmation e-mails (`RATE_LIMIT_VERIFICATION_EMAILS`, which a new address spends); retry after `Retry-After` seconds.",
);

#[derive(ApiResponse)]
enum UpdateUserResponse {
    /// The updated account.
    #[oai(status = 200)]
    Ok(Json<User>),
}

#[OpenApi(prefix_path = "/api/v1", tag = "ApiTags::Users")]
impl UpdateCurrentUserRoute {
    /// Update my account
    ///
    /// Changes the username, the e-mail address and/or the language (`locale`). A new
    /// address needs the current password, must pass the reputation check (when on) and be
    /// confirmed again: a confirmation e-mail goes to it (within the account's quota of
    /// confirmation e-mails), the old address is told of the change, and unused
    /// password-reset tokens stop working.
    #[oai(path = "/users", method = "patch", operation_id = "updateCurrentUser")]
    async fn update_user(
        &self,
        caller: Authenticated,
        state: Data<&AppState>,
        provenance: Provenance,
        body: Json<AtLeastOne<UpdateUserRequest>>,
    ) -> Result<UpdateUserResponse, Problem<UpdateUserErrors>> {
        let command = UpdateUser::parse(caller.account, body.0.0).map_err(ApiError::validation)?;
        let user = update_user(
            state.credential_check(),
            &state.clock,
            &state.verifier,
            &provenance,
            command,
        )
        .await?;
        Ok(UpdateUserResponse::Ok(Json(user.into())))
    }
}
