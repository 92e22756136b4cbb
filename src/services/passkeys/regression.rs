//! A passkey whose signature counter went back: the sign-in was refused; the owner is
//! mailed and the trail says which passkey.

use chrono::{DateTime, Utc};
use sea_orm::{DatabaseConnection, EntityTrait};
use uuid::Uuid;

use super::PasskeyError;
use crate::{
    domain::{AuditAction, EventEnvelope, EventType, UserEventData},
    infra::{
        db::{
            self,
            entities::{passkey, user},
        },
        events::outbox,
    },
    services::audit::{AuditEntry, Provenance},
};

/// Mails the owner of `passkey_id` and audits the refused sign-in, in one transaction.
pub(crate) async fn report_counter_regression(
    db: &DatabaseConnection,
    user_id: Uuid,
    passkey_id: Uuid,
    provenance: &Provenance,
    now: DateTime<Utc>,
) -> Result<(), PasskeyError> {
    let (Some(account), Some(passkey)) = (
        user::Entity::find_by_id(user_id).one(db).await?,
        passkey::Entity::find_by_id(passkey_id).one(db).await?,
    ) else {
        return Ok(());
    };
    let txn = db::begin_write(db).await?;
    let data = UserEventData {
        passkey_name: Some(passkey.name),
        ..UserEventData::from(&account)
    };
    let event = EventEnvelope::new(EventType::PasskeySignInRefused, data, now);
    outbox::append(&txn, &event).await?;
    AuditEntry::new(AuditAction::PasskeyCounterRegressed)
        .on(user_id)
        .with("passkey_id", passkey_id.to_string())
        .record(&txn, provenance, now)
        .await?;
    txn.commit().await?;
    Ok(())
}
