//! Administration: any account, its permissions and sessions, and the audit trail, for
//! callers holding the permission each operation names (`Permitted<P>` in its signature).
//! Every change is audited with the administrator as actor, in its own transaction.

mod account;
mod delete_user;
mod delete_user_sessions;
mod dto;
mod escalation;
mod get_user;
mod grant_permission;
mod list_audit_events;
mod list_user_sessions;
mod list_users;
mod permission_name;
mod revoke_permission;
mod update_user;

use sea_orm::{ConnectionTrait, EntityTrait};
use uuid::Uuid;

use escalation::{PermissionChange, PermissionCommand};
use permission_name::{PermissionParam, permission_of};

use crate::{http::ApiError, infra::db::entities::user};

/// This area's slices, in document order.
pub(super) type Slices = (
    list_users::ListUsersRoute,
    get_user::GetUserRoute,
    update_user::UpdateUserRoute,
    delete_user::DeleteUserRoute,
    grant_permission::GrantPermissionRoute,
    revoke_permission::RevokePermissionRoute,
    list_user_sessions::ListUserSessionsRoute,
    delete_user_sessions::DeleteUserSessionsRoute,
    list_audit_events::ListAuditEventsRoute,
);

/// No account has this id (or the id is not a UUID): alike to the caller.
pub(super) fn no_such_account() -> ApiError {
    ApiError::not_found("no account has this id")
}

/// The account `id`, or 404.
pub(super) async fn find_account(
    db: &impl ConnectionTrait,
    id: Option<Uuid>,
) -> Result<user::Model, ApiError> {
    let Some(id) = id else {
        return Err(no_such_account());
    };
    user::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(no_such_account)
}
