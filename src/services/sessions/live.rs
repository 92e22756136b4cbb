use std::time::Duration;

use chrono::{DateTime, Utc};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    Select,
};
use uuid::Uuid;

use crate::infra::db::entities::session;

/// The account's sessions live at `now`: not revoked, not expired, used within
/// `idle_timeout`.
fn live_of(user_id: Uuid, now: DateTime<Utc>, idle_timeout: Duration) -> Select<session::Entity> {
    session::Entity::find()
        .filter(session::Column::UserId.eq(user_id))
        .filter(session::live(now, idle_timeout))
}

/// The account's sessions live at `now`, newest first.
pub(crate) async fn live_sessions(
    db: &impl ConnectionTrait,
    user_id: Uuid,
    now: DateTime<Utc>,
    idle_timeout: Duration,
) -> Result<Vec<session::Model>, DbErr> {
    live_of(user_id, now, idle_timeout)
        .order_by_desc(session::Column::CreatedAt)
        .order_by_desc(session::Column::Id)
        .all(db)
        .await
}

/// How many sessions of the account are live at `now`.
pub(crate) async fn count_live_sessions(
    db: &impl ConnectionTrait,
    user_id: Uuid,
    now: DateTime<Utc>,
    idle_timeout: Duration,
) -> Result<u64, DbErr> {
    live_of(user_id, now, idle_timeout).count(db).await
}
