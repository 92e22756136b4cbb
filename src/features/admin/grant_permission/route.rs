use poem::web::Data;
use poem_openapi::{ApiResponse, OpenApi, param::Path};

use super::handler::grant_permission;
use crate::{
    features::admin::{
        escalation::PermissionCommand,
        permission_name::{PermissionParam, permission_of},
    },
    http::{ApiTags, AppState, Permitted, Problem, ResourceId, can, error_statuses},
    services::audit::Provenance,
};

#[derive(Default)]
pub(crate) struct GrantPermissionRoute;

error_statuses!(GrantPermissionErrors: 401, 403, 404, 422, 429, 500, 503;
    403 => "The caller lacks the `users:write` permission, or the permission it would grant (`/problems/missing-permission`, naming it): an administrator changes only permissions it holds.",
    404 => "No account has this id (or it is not a UUID).",
    422 => "`permission` is not a permission's name.",
);

#[derive(ApiResponse)]
enum GrantPermissionResponse {
    /// The account holds the permission (granted now, or already), from its next request.
    #[oai(status = 204)]
    NoContent,
}

#[OpenApi(prefix_path = "/api/v1", tag = "ApiTags::Admin")]
impl GrantPermissionRoute {
    /// Grant a permission
    ///
    /// Grants the account `id` the permission; it counts from the account's next request
    /// (and is in the `permissions` and `scope` claims of its next access token). Granting
    /// one the account holds changes nothing. An administrator grants only permissions it holds itself (403
    /// otherwise, audited as `permission.change_refused`). Audited as `permission.granted`.
    #[oai(
        path = "/admin/users/:id/permissions/:permission",
        method = "put",
        operation_id = "grantPermission"
    )]
    async fn grant_permission(
        &self,
        caller: Permitted<can::WriteUsers>,
        state: Data<&AppState>,
        provenance: Provenance,
        /// The account id.
        id: Path<ResourceId>,
        /// The permission's name.
        permission: Path<PermissionParam>,
    ) -> Result<GrantPermissionResponse, Problem<GrantPermissionErrors>> {
        let permission = permission_of(&permission)?;
        let command = PermissionCommand {
            actor: caller.caller.user_id(),
            actor_holds: caller.caller.may(permission),
            target: id.get(),
            permission,
        };
        grant_permission(&state.db, &state.clock, &provenance, command).await?;
        Ok(GrantPermissionResponse::NoContent)
    }
}
