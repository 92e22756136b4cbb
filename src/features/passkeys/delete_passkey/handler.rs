use uuid::Uuid;

use crate::{
    domain::{AuditAction, EventEnvelope, EventType, UserEventData},
    features::passkeys::dto::Confirmation,
    http::{ApiError, AppState, Authenticated},
    infra::{db, events::outbox},
    services::{
        audit::{AuditEntry, Provenance},
        credentials::{self, Confirming},
        passkeys,
    },
};

/// Not a passkey of the caller's: unknown, someone else's, or not a UUID; alike, so other
/// accounts' passkeys cannot be probed.
pub(super) fn no_such_passkey() -> ApiError {
    ApiError::not_found("you have no passkey with this id")
}

/// Checks that the passkey is the caller's (404 before any password is judged), confirms
/// the password (and code), then in one transaction deletes it, mails the owner and audits.
pub(super) async fn delete_passkey(
    state: &AppState,
    caller: &Authenticated,
    provenance: &Provenance,
    id: Uuid,
    confirmation: Confirmation,
) -> Result<(), ApiError> {
    let account = &caller.account;
    let passkey = passkeys::find_owned(&state.db, account.id, id)
        .await?
        .ok_or_else(no_such_passkey)?;
    let confirming = Confirming {
        operation: "deletePasskey",
        code: confirmation.code.as_deref(),
        provenance,
        now: state.clock.now(),
    };
    credentials::confirm_password(
        state.credential_check(),
        account,
        &confirmation.password,
        confirming,
    )
    .await?;
    let now = state.clock.now();
    let txn = db::begin_write(&state.db).await?;
    if !passkeys::delete_owned(&txn, account.id, id).await? {
        return Err(no_such_passkey());
    }
    let data = UserEventData {
        passkey_name: Some(passkey.name),
        ..UserEventData::from(account)
    };
    outbox::append(
        &txn,
        &EventEnvelope::new(EventType::PasskeyRemoved, data, now),
    )
    .await?;
    AuditEntry::new(AuditAction::PasskeyRemoved)
        .by_self(account.id)
        .with("passkey_id", id.to_string())
        .record(&txn, provenance, now)
        .await?;
    txn.commit().await?;
    Ok(())
}
