//! The changes an administrator (admin API) or an operator (`manage users`) makes to an
//! account: granting and revoking permissions, disabling and enabling, removing its second
//! factors; each audited in the caller's transaction, and only when it changed something.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter,
    TryInsertResult, sea_query::Expr,
};
use uuid::Uuid;

use crate::{
    domain::{AuditAction, EventType, Permission},
    infra::{
        db::entities::{user, user_permission},
        events::outbox,
        telemetry::metrics::{self, MfaEvent},
    },
    services::{
        audit::{AuditEntry, Provenance},
        mfa, passkeys, sessions,
    },
};

/// Who makes a change, from where, when: an administrator's account, or the system
/// (`manage`, no actor).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Change<'a> {
    pub actor: Option<Uuid>,
    pub provenance: &'a Provenance,
    pub now: DateTime<Utc>,
}

impl Change<'_> {
    fn entry(&self, action: AuditAction, target: Uuid) -> AuditEntry {
        AuditEntry::new(action).by(self.actor).on(target)
    }
}

/// Grants `permission` to `target`; `false` (and no audit row) when it already held it.
pub(crate) async fn grant(
    db: &impl ConnectionTrait,
    target: Uuid,
    permission: Permission,
    change: Change<'_>,
) -> Result<bool, DbErr> {
    let row = user_permission::ActiveModel {
        user_id: Set(target),
        permission: Set(permission.to_string()),
        granted_at: Set(change.now),
    };
    let inserted = user_permission::Entity::insert(row)
        .on_conflict_do_nothing()
        .exec_without_returning(db)
        .await?;
    let granted = matches!(inserted, TryInsertResult::Inserted(rows) if rows > 0);
    if granted {
        change
            .entry(AuditAction::PermissionGranted, target)
            .with("permission", permission.as_str())
            .record(db, change.provenance, change.now)
            .await?;
    }
    Ok(granted)
}

/// Revokes `permission` from `target`; `false` (and no audit row) when it did not hold it.
pub(crate) async fn revoke(
    db: &impl ConnectionTrait,
    target: Uuid,
    permission: Permission,
    change: Change<'_>,
) -> Result<bool, DbErr> {
    let deleted = user_permission::Entity::delete_many()
        .filter(user_permission::Column::UserId.eq(target))
        .filter(user_permission::Column::Permission.eq(permission.as_str()))
        .exec(db)
        .await?;
    let revoked = deleted.rows_affected > 0;
    if revoked {
        change
            .entry(AuditAction::PermissionRevoked, target)
            .with("permission", permission.as_str())
            .record(db, change.provenance, change.now)
            .await?;
    }
    Ok(revoked)
}

/// Disables (`disabled`) or enables `target`: disabling ends all its sessions at once.
/// `false` (and no audit row) when it already was so.
pub(crate) async fn set_disabled(
    db: &impl ConnectionTrait,
    target: Uuid,
    disabled: bool,
    change: Change<'_>,
) -> Result<bool, DbErr> {
    let (value, currently) = if disabled {
        (Some(change.now), user::Column::DisabledAt.is_null())
    } else {
        (None, user::Column::DisabledAt.is_not_null())
    };
    let updated = user::Entity::update_many()
        .col_expr(user::Column::DisabledAt, Expr::value(value))
        .col_expr(user::Column::UpdatedAt, Expr::value(change.now))
        .filter(user::Column::Id.eq(target))
        .filter(currently)
        .exec(db)
        .await?;
    if updated.rows_affected == 0 {
        return Ok(false);
    }
    let action = if disabled {
        let ended = sessions::end_all(db, target, None, change.now).await?;
        change
            .entry(AuditAction::AccountDisabled, target)
            .with("sessions_ended", ended)
    } else {
        change.entry(AuditAction::AccountEnabled, target)
    };
    action.record(db, change.provenance, change.now).await?;
    Ok(true)
}

/// Removes every second factor of `target`, passkeys included (someone who lost their phone
/// and their recovery codes): the owner is mailed. `false` (no audit row, no e-mail) when it
/// had none.
pub(crate) async fn reset_mfa(
    db: &impl ConnectionTrait,
    target: &user::Model,
    change: Change<'_>,
) -> Result<bool, DbErr> {
    let factors_removed = mfa::remove_all(db, target.id).await?;
    let passkeys_removed = passkeys::remove_all_passkeys(db, target.id).await?;
    if !factors_removed && passkeys_removed == 0 {
        return Ok(false);
    }
    outbox::record(db, EventType::MfaReset, target, change.now).await?;
    change
        .entry(AuditAction::MfaReset, target.id)
        .with("passkeys_removed", passkeys_removed)
        .record(db, change.provenance, change.now)
        .await?;
    metrics::mfa(MfaEvent::Reset);
    Ok(true)
}
