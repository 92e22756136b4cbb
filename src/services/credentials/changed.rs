use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, DbErr};
use uuid::Uuid;

use crate::{
    domain::{AuditAction, EventType},
    infra::{db::entities::user, events::outbox},
    services::{
        audit::{AuditEntry, Provenance},
        mfa, password_reset, sessions,
    },
};

/// Everything that follows a new password, in the transaction that set it: every session
/// of the account ends but `keep_session` (the caller's, when it changed its own password),
/// its unused reset tokens are spent (a reset e-mail still in an inbox must not undo the
/// change), second steps the old password opened die, `user.password_changed` mails the
/// owner, and `action` is audited as the account's own.
pub(crate) async fn password_changed(
    txn: &impl ConnectionTrait,
    account: &user::Model,
    keep_session: Option<Uuid>,
    action: AuditAction,
    provenance: &Provenance,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    sessions::end_all(txn, account.id, keep_session, now).await?;
    password_reset::spend_all(txn, account.id, now).await?;
    mfa::forget_challenges(txn, account.id).await?;
    outbox::record(txn, EventType::PasswordChanged, account, now).await?;
    AuditEntry::new(action)
        .by_self(account.id)
        .record(txn, provenance, now)
        .await
}
