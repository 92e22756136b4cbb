use std::time::Duration;

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, Set,
};

use crate::{
    domain::{EventEnvelope, EventType},
    infra::{
        db::entities::{outbox, user},
        telemetry::trace_context::RequestContext,
    },
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

/// Records `event` in the outbox, with the request that raised it (if a request did); call
/// it inside the transaction that makes the change.
pub(crate) async fn append(txn: &impl ConnectionTrait, event: &EventEnvelope) -> Result<(), DbErr> {
    let payload = serde_json::to_string(event).map_err(|e| DbErr::Custom(e.to_string()))?;
    let request = RequestContext::current();
    outbox::ActiveModel {
        id: Set(event.id),
        event_type: Set(event.kind.as_str().to_owned()),
        aggregate_id: Set(event.data.user_id),
        payload: Set(payload),
        occurred_at: Set(event.occurred_at),
        published_at: Set(None),
        request_id: Set(request.as_ref().map(|r| r.request_id.clone())),
        traceparent: Set(request.map(|r| r.trace.to_string())),
        ..Default::default()
    }
    .insert(txn)
    .await
    .map(drop)
}

/// How long the oldest event not yet published has waited at `now`; zero when none waits.
pub(crate) async fn oldest_unpublished_age(
    db: &impl ConnectionTrait,
    now: DateTime<Utc>,
) -> Result<Duration, DbErr> {
    let oldest = unpublished()
        .order_by_asc(outbox::Column::Seq)
        .select_only()
        .column(outbox::Column::OccurredAt)
        .into_tuple::<DateTime<Utc>>()
        .one(db)
        .await?;
    Ok(oldest.map_or(Duration::ZERO, |at| (now - at).to_std().unwrap_or_default()))
}

/// The events not yet published: how many, and how long the oldest has waited at `now`.
pub(crate) async fn backlog(
    db: &impl ConnectionTrait,
    now: DateTime<Utc>,
) -> Result<(u64, Duration), DbErr> {
    Ok((
        unpublished().count(db).await?,
        oldest_unpublished_age(db, now).await?,
    ))
}

fn unpublished() -> sea_orm::Select<outbox::Entity> {
    outbox::Entity::find().filter(outbox::Column::PublishedAt.is_null())
}
