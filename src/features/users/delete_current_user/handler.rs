use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use super::command::DeleteUser;
use crate::{
    domain::{AuditAction, EventType},
    features::users::account::account_gone,
    http::{ApiError, last_writer},
    infra::{
        clock::Clock,
        db::{self, entities::user},
        events::outbox,
        telemetry::metrics::{self, SecurityRefusal},
    },
    services::{
        administration::is_last_writer,
        audit::{AuditEntry, Provenance},
        credentials::{self, Confirming, CredentialCheck},
    },
};

/// Confirms the password and, for an account with a second factor, `code`
/// (`credentials::confirm_password`: charged to the account's failed logins and audited when
/// wrong, like a login), then deletes the row only if its hash is
/// still the one that was checked. The last enabled account holding `users:write` is not
/// deleted (409 `lockout`, audited): nobody could administer accounts any more, and the
/// admin API refuses the same.
pub(super) async fn delete_user(
    check: CredentialCheck<'_>,
    clock: &Clock,
    provenance: &Provenance,
    command: DeleteUser,
) -> Result<user::Model, ApiError> {
    let account = command.account;
    let confirming = Confirming {
        operation: "deleteCurrentUser",
        code: command.code.as_deref(),
        provenance,
        now: clock.now(),
    };
    credentials::confirm_password(check, &account, &command.password, confirming).await?;
    let db = check.db;
    let now = clock.now();
    let txn = db::begin_write(db).await?;
    if command.holds_users_write && is_last_writer(&txn, account.id).await? {
        drop(txn);
        metrics::security_refusal(SecurityRefusal::Lockout);
        AuditEntry::new(AuditAction::AccountDeletionRefused)
            .by_self(account.id)
            .with("reason", "last_users_write_holder")
            .record(db, provenance, now)
            .await?;
        return Err(last_writer());
    }
    let deleted = user::Entity::delete_many()
        .filter(user::Column::Id.eq(account.id))
        .filter(user::Column::PasswordHash.eq(account.password_hash))
        .exec_with_returning(&txn)
        .await?;
    let user = deleted.into_iter().next().ok_or_else(account_gone)?;
    outbox::record(&txn, EventType::UserDeleted, &user, now).await?;
    AuditEntry::new(AuditAction::AccountDeleted)
        .by_self(user.id)
        .record(&txn, provenance, now)
        .await?;
    txn.commit().await?;
    Ok(user)
}
