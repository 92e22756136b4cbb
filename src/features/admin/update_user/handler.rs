use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter,
    sea_query::Expr,
};

use super::command::UpdateUser;
use crate::{
    domain::AuditAction,
    features::admin::account::{AccountView, account_view},
    http::{ApiError, last_writer, lockout},
    infra::{
        clock::Clock,
        db::{self, entities::user},
        security::SessionSettings,
    },
    services::{
        administration::{Change, is_last_writer, set_disabled},
        audit::{AuditEntry, Provenance},
    },
};

/// In one transaction: disables (ending every session of the account) or enables it, and
/// marks its address confirmed or not, each audited only when it changed something; then
/// reads the account back (404 when none has the id: nothing was changed). An administrator
/// cannot disable their own account, nor the last enabled one holding `users:write`.
pub(super) async fn update_user(
    db: &DatabaseConnection,
    clock: &Clock,
    settings: &SessionSettings,
    provenance: &Provenance,
    command: UpdateUser,
) -> Result<AccountView, ApiError> {
    if command.disabled == Some(true) && command.target == command.actor {
        return Err(lockout("an administrator cannot disable their own account"));
    }
    let now = clock.now();
    let change = Change {
        actor: Some(command.actor),
        provenance,
        now,
    };
    let txn = db::begin_write(db).await?;
    // Two administrators disabling each other at once must not both succeed.
    if command.disabled == Some(true) && is_last_writer(&txn, command.target).await? {
        return Err(last_writer());
    }
    if let Some(disabled) = command.disabled {
        set_disabled(&txn, command.target, disabled, change).await?;
    }
    if let Some(verified) = command.email_verified {
        set_email_verified(&txn, &command, verified, change).await?;
    }
    let view = account_view(&txn, Some(command.target), now, settings.idle_timeout).await?;
    txn.commit().await?;
    Ok(view)
}

/// Sets `email_verified`, audited as `email.confirmed` or `email.unconfirmed` when it changed.
async fn set_email_verified(
    db: &impl ConnectionTrait,
    command: &UpdateUser,
    verified: bool,
    change: Change<'_>,
) -> Result<(), DbErr> {
    let updated = user::Entity::update_many()
        .col_expr(user::Column::EmailVerified, Expr::value(verified))
        .col_expr(user::Column::UpdatedAt, Expr::value(change.now))
        .filter(user::Column::Id.eq(command.target))
        .filter(user::Column::EmailVerified.ne(verified))
        .exec(db)
        .await?;
    if updated.rows_affected > 0 {
        let action = if verified {
            AuditAction::EmailConfirmed
        } else {
            AuditAction::EmailUnconfirmed
        };
        AuditEntry::new(action)
            .by(command.actor)
            .on(command.target)
            .record(db, change.provenance, change.now)
            .await?;
    }
    Ok(())
}
