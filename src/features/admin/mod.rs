//! Administration: any account, its permissions and sessions, and the audit trail, for
//! callers holding the permission each operation names (`Permitted<P>` in its signature).
//! Every change is audited with the administrator as actor, in its own transaction.

mod account;
mod delete_user;
mod delete_user_mfa;
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
    delete_user_mfa::DeleteUserMfaRoute,
    list_audit_events::ListAuditEventsRoute,
);
