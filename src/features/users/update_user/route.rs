use poem::web::Data;
use poem_openapi::{ApiResponse, OpenApi, payload::Json};

use super::{command::UpdateUser, dto::UpdateUserRequest, handler::update_user};
use crate::{
    features::{ApiTags, users::User},
    http::{ApiError, AppState, AtLeastOne, Authenticated, Problem, Provenance, error_statuses},
};

#[derive(Default)]
pub(crate) struct UpdateUserRoute;

error_statuses!(UpdateUserErrors: 400, 401, 404, 409, 413, 415, 422, 429, 500, 503;
    422 => "One or more fields are invalid, or the address failed the e-mail reputation check; `errors` lists each.",
);

#[derive(ApiResponse)]
enum UpdateUserResponse {
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
    #[oai(path = "/users", method = "patch", operation_id = "updateCurrentUser")]
    async fn update_user(
        &self,
        caller: Authenticated,
        state: Data<&AppState>,
        provenance: Provenance,
        body: Json<AtLeastOne<UpdateUserRequest>>,
    ) -> Result<UpdateUserResponse, Problem<UpdateUserErrors>> {
        let command =
            UpdateUser::parse(caller.user_id(), body.0.0).map_err(ApiError::validation)?;
        let current_email = &caller.account.email;
        let user = update_user(
            &state.db,
            &state.clock,
            &state.verifier,
            current_email,
            &provenance,
            command,
        )
        .await?;
        Ok(UpdateUserResponse::Ok(Json(user.into())))
    }
}
