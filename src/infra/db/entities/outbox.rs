//! The `outbox` table: events waiting for the relay.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "outbox")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub seq: i64,
    pub id: Uuid,
    pub event_type: String,
    pub aggregate_id: Uuid,
    /// The JSON envelope exactly as it is published.
    pub payload: String,
    pub occurred_at: DateTimeUtc,
    pub published_at: Option<DateTimeUtc>,
    /// The `X-Request-Id` of the request that raised the event.
    pub request_id: Option<String>,
    /// That request's W3C `traceparent`.
    pub traceparent: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
