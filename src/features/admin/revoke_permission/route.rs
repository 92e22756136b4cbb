use poem::web::Data;
use poem_openapi::{ApiResponse, OpenApi, param::Path};

use super::handler::revoke_permission;
use crate::{
    features::admin::{
        escalation::PermissionCommand,
        permission_name::{PermissionParam, permission_of},
    },
    http::{ApiTags, AppState, Permitted, Problem, ResourceId, can, error_statuses},
    services::audit::Provenance,
};

#[derive(Default)]
pub(crate) struct RevokePermissionRoute;

error_statuses!(RevokePermissionErrors: 401, 403, 404, 409, 422, 429, 500, 503;
    403 => "The caller lacks the `users:write` permission, or the permission it would revoke (`/problems/missing-permission`, naming it): an administrator changes only permissions it holds.",
    404 => "No account has this id (or it is not a UUID).",
    409 => "`/problems/lockout`: `users:write` cannot be revoked from the caller itself, nor from the last enabled account holding it.",
    422 => "`permission` is not a permission's name.",
);

#[derive(ApiResponse)]
enum RevokePermissionResponse {
    /// The account does not hold the permission (revoked now, or already), from its next
    /// request on.
    #[oai(status = 204)]
    NoContent,
}

#[OpenApi(prefix_path = "/api/v1", tag = "ApiTags::Admin")]
impl RevokePermissionRoute {
    /// Revoke a permission
    ///
    /// Revokes the permission from the account `id`; it stops counting at the account's
    /// next request, whatever its access token says. Revoking one the account does not
    /// hold changes nothing. `users:write` is never revoked from the caller itself, nor
    /// from the last enabled account holding it (409), so administrators cannot lock
    /// themselves out. An administrator revokes only permissions it holds itself (403
    /// otherwise, audited as `permission.change_refused`). Audited as `permission.revoked`.
    #[oai(
        path = "/admin/users/:id/permissions/:permission",
        method = "delete",
        operation_id = "revokePermission"
    )]
    async fn revoke_permission(
        &self,
        caller: Permitted<can::WriteUsers>,
        state: Data<&AppState>,
        provenance: Provenance,
        /// The account id.
        id: Path<ResourceId>,
        /// The permission's name.
        permission: Path<PermissionParam>,
    ) -> Result<RevokePermissionResponse, Problem<RevokePermissionErrors>> {
        let permission = permission_of(&permission)?;
        let command = PermissionCommand {
            actor: caller.caller.user_id(),
            actor_holds: caller.caller.may(permission),
            target: id.get(),
            permission,
        };
        revoke_permission(&state.db, &state.clock, &provenance, command).await?;
        Ok(RevokePermissionResponse::NoContent)
    }
}
