use poem::web::Data;
use poem_openapi::{ApiResponse, OpenApi, param::Path};

use super::{command::DeleteUser, handler::delete_user};
use crate::{
    features::admin::account::no_such_account,
    http::{ApiTags, AppState, Permitted, Problem, ResourceId, can, error_statuses},
    services::audit::Provenance,
};

#[derive(Default)]
pub(crate) struct DeleteUserRoute;

error_statuses!(DeleteUserErrors: 401, 403, 404, 409, 429, 500, 503;
    403 => "The caller lacks the `users:write` permission.",
    404 => "No account has this id (or it is not a UUID).",
    409 => "`lockout`: an administrator cannot delete their own account here (use `deleteCurrentUser`).",
);

#[derive(ApiResponse)]
enum DeleteUserResponse {
    /// The account is deleted: its tokens stop working at once, and its owner is told by
    /// e-mail.
    #[oai(status = 204)]
    NoContent,
}

#[OpenApi(prefix_path = "/api/v1", tag = "ApiTags::Admin")]
impl DeleteUserRoute {
    /// Delete an account
    ///
    /// Deletes any account but the caller's own, with its sessions, tokens and permissions;
    /// its owner is told by e-mail, as when they delete it themselves. Audited.
    #[oai(
        path = "/admin/users/:id",
        method = "delete",
        operation_id = "deleteUser"
    )]
    async fn delete_user(
        &self,
        caller: Permitted<can::WriteUsers>,
        state: Data<&AppState>,
        provenance: Provenance,
        /// The account id.
        id: Path<ResourceId>,
    ) -> Result<DeleteUserResponse, Problem<DeleteUserErrors>> {
        let command = DeleteUser {
            actor: caller.caller.user_id(),
            target: id.get().ok_or_else(no_such_account)?,
        };
        delete_user(&state.db, &state.clock, &provenance, command).await?;
        Ok(DeleteUserResponse::NoContent)
    }
}
