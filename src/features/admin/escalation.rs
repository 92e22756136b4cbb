//! The escalation rule: an administrator grants or revokes only permissions it holds
//! itself, so `users:write` alone cannot be turned into every other permission. `manage`,
//! as the system, may change any.

use sea_orm::ConnectionTrait;
use uuid::Uuid;

use super::Change;
use crate::{
    domain::{AuditAction, Permission},
    features::audit::AuditEntry,
    http::ApiError,
    infra::telemetry::metrics::{self, SecurityRefusal},
};

/// What an administrator does with a permission.
#[derive(Clone, Copy, Debug, strum::IntoStaticStr)]
#[strum(serialize_all = "lowercase")]
pub(super) enum PermissionChange {
    Grant,
    Revoke,
}

/// Refuses `change` of `permission` on `target` when the administrator does not hold it
/// (`held`): 403 `missing-permission` naming it, audited as `permission.change_refused`
/// (outside the refused change's transaction) and counted.
pub(super) async fn refuse_unless_held(
    db: &impl ConnectionTrait,
    held: bool,
    permission: Permission,
    what: PermissionChange,
    target: Option<Uuid>,
    by: Change<'_>,
) -> Result<(), ApiError> {
    if held {
        return Ok(());
    }
    metrics::security_refusal(SecurityRefusal::PermissionNotHeld);
    let what: &'static str = what.into();
    AuditEntry::new(AuditAction::PermissionChangeRefused)
        .by(by.actor)
        .on(target)
        .with("permission", permission.as_str())
        .with("change", what)
        .with("reason", "not_held")
        .record(db, by.provenance, by.now)
        .await?;
    Err(ApiError::missing_permission(permission))
}
