use crate::{
    domain::{AuditAction, EventEnvelope, EventType, UserEventData},
    http::{ApiError, AppState, Authenticated},
    infra::{
        db::{self, entities::passkey},
        events::outbox,
    },
    services::{
        audit::{AuditEntry, Provenance},
        passkeys,
    },
};

/// A registration's answer and the passkey's name.
pub(super) struct NewPasskey {
    pub credential: serde_json::Value,
    pub name: String,
}

/// In one transaction: takes the caller's open registration, verifies the answer, stores
/// the passkey, and mails and audits it.
pub(super) async fn create_passkey(
    state: &AppState,
    caller: &Authenticated,
    provenance: &Provenance,
    new: NewPasskey,
) -> Result<passkey::Model, ApiError> {
    let (account, now) = (&caller.account, state.clock.now());
    state.passkeys.relying_party()?;
    let txn = db::begin_write(&state.db).await?;
    let created = passkeys::finish_registration(
        &txn,
        &state.passkeys,
        account,
        new.credential,
        new.name,
        now,
    )
    .await?;
    let data = UserEventData {
        passkey_name: Some(created.name.clone()),
        ..UserEventData::from(account)
    };
    outbox::append(
        &txn,
        &EventEnvelope::new(EventType::PasskeyAdded, data, now),
    )
    .await?;
    AuditEntry::new(AuditAction::PasskeyRegistered)
        .by_self(account.id)
        .with("passkey_id", created.id.to_string())
        .with("backup_eligible", created.backup_eligible)
        .record(&txn, provenance, now)
        .await?;
    txn.commit().await?;
    Ok(created)
}
