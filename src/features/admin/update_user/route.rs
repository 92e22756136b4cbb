use poem::web::Data;
use poem_openapi::{ApiResponse, OpenApi, param::Path, payload::Json};

use super::{command::UpdateUser, dto::UpdateAdminUserRequest, handler::update_user};
use crate::{
    features::admin::{account::no_such_account, dto::AdminUserDetail},
    http::{
        ApiError, ApiTags, AppState, AtLeastOne, Permitted, Problem, ResourceId, can,
        error_statuses,
    },
    services::audit::Provenance,
};

#[derive(Default)]
pub(crate) struct UpdateUserRoute;

error_statuses!(UpdateUserErrors: 400, 401, 403, 404, 409, 413, 415, 422, 429, 500, 503;
    403 => "The caller lacks the `users:write` permission.",
    404 => "No account has this id (or it is not a UUID).",
    409 => "`lockout`: an administrator cannot disable their own account.",
);

#[derive(ApiResponse)]
enum UpdateUserResponse {
    /// The account as changed, with its permissions and live sessions.
    #[oai(status = 200)]
    Ok(Json<AdminUserDetail>),
}

#[OpenApi(prefix_path = "/api/v1", tag = "ApiTags::Admin")]
impl UpdateUserRoute {
    /// Update an account
    ///
    /// Disables an account (it can no longer log in, and all its sessions end at once: its
    /// access and refresh tokens stop working) or enables it again, and/or marks its e-mail
    /// address confirmed or not. Each change is audited, only when it changes something.
    /// An administrator cannot disable their own account.
    #[oai(
        path = "/admin/users/:id",
        method = "patch",
        operation_id = "updateUser"
    )]
    async fn update_user(
        &self,
        caller: Permitted<can::WriteUsers>,
        state: Data<&AppState>,
        provenance: Provenance,
        /// The account id.
        id: Path<ResourceId>,
        body: Json<AtLeastOne<UpdateAdminUserRequest>>,
    ) -> Result<UpdateUserResponse, Problem<UpdateUserErrors>> {
        let target = id.get().ok_or_else(no_such_account)?;
        let command = UpdateUser::parse(caller.caller.user_id(), target, body.0.0)
            .map_err(ApiError::validation)?;
        let view = update_user(
            &state.db,
            &state.clock,
            &state.sessions,
            &provenance,
            command,
        )
        .await?;
        Ok(UpdateUserResponse::Ok(Json(view.into())))
    }
}
