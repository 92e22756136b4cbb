//! The escalation rule: an administrator grants or revokes only permissions it holds
//! itself, so `users:write` alone cannot be turned into every other permission. `manage`,
//! as the system, may change any.

use sea_orm::ConnectionTrait;
use uuid::Uuid;

use chrono::{DateTime, Utc};

use crate::{
    domain::{AuditAction, Permission},
    http::ApiError,
    infra::telemetry::metrics::{self, SecurityRefusal},
    services::{
        administration::Change,
        audit::{AuditEntry, Provenance},
    },
};

/// What an administrator does with a permission.
#[derive(Clone, Copy, Debug, strum::IntoStaticStr)]
#[strum(serialize_all = "lowercase")]
pub(super) enum PermissionChange {
    Grant,
    Revoke,
}

/// An administrator (`actor`) grants or revokes `permission` of the account `target`
/// (`None`: the path held no UUID): the command of both slices.
#[derive(Debug)]
pub(super) struct PermissionCommand {
    pub actor: Uuid,
    /// Whether the actor holds `permission` itself (it may change only those).
    pub actor_holds: bool,
    pub target: Option<Uuid>,
    pub permission: Permission,
}

impl PermissionCommand {
    /// The change as the administrator makes it, once the rule allows it; otherwise 403
    /// `missing-permission` naming the permission, audited as `permission.change_refused`
    /// (before any transaction of the refused change) and counted.
    pub(super) async fn authorize<'a>(
        &self,
        db: &impl ConnectionTrait,
        what: PermissionChange,
        provenance: &'a Provenance,
        now: DateTime<Utc>,
    ) -> Result<Change<'a>, ApiError> {
        let change = Change {
            actor: Some(self.actor),
            provenance,
            now,
        };
        if self.actor_holds {
            return Ok(change);
        }
        metrics::security_refusal(SecurityRefusal::PermissionNotHeld);
        let what: &'static str = what.into();
        AuditEntry::new(AuditAction::PermissionChangeRefused)
            .by(self.actor)
            .on(self.target)
            .with("permission", self.permission.as_str())
            .with("change", what)
            .with("reason", "not_held")
            .record(db, provenance, now)
            .await?;
        Err(ApiError::missing_permission(self.permission))
    }
}
