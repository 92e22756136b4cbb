use chrono::{DateTime, Utc};
use sea_orm::{ActiveModelTrait, ConnectionTrait, DbErr, Set};

use crate::{
    domain::{EventEnvelope, EventType},
    infra::db::entities::{outbox, user},
};

/// Records an event about `account` in the outbox; call it inside the transaction that
/// makes the change.
pub async fn record(
    txn: &impl ConnectionTrait,
    kind: EventType,
    account: &user::Model,
    at: DateTime<Utc>,
) -> Result<(), DbErr> {
    append(txn, &EventEnvelope::new(kind, account.into(), at)).await
}

/// Records `event` in the outbox; call it inside the transaction that makes the change.
pub(crate) async fn append(txn: &impl ConnectionTrait, event: &EventEnvelope) -> Result<(), DbErr> {
    let payload = serde_json::to_string(event).map_err(|e| DbErr::Custom(e.to_string()))?;
    outbox::ActiveModel {
        id: Set(event.id),
        event_type: Set(event.kind.as_str().to_owned()),
        aggregate_id: Set(event.data.user_id),
        payload: Set(payload),
        occurred_at: Set(event.occurred_at),
        published_at: Set(None),
        ..Default::default()
    }
    .insert(txn)
    .await
    .map(drop)
}
