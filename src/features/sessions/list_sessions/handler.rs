use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder};

use super::query::{ListSessions, SessionView};
use crate::{
    http::ApiError,
    infra::{clock::Clock, db::entities::session, security::SessionSettings},
};

/// Reads the account's live sessions (not revoked, not expired, not idle), newest first.
pub(super) async fn list_sessions(
    db: &DatabaseConnection,
    clock: &Clock,
    settings: &SessionSettings,
    query: ListSessions,
) -> Result<Vec<SessionView>, ApiError> {
    let sessions = session::Entity::find()
        .filter(session::Column::UserId.eq(query.user_id))
        .filter(session::live(clock.now(), settings.idle_timeout))
        .order_by_desc(session::Column::CreatedAt)
        .order_by_desc(session::Column::Id)
        .all(db)
        .await?;
    Ok(sessions
        .into_iter()
        .map(|s| SessionView {
            current: s.id == query.current,
            id: s.id,
            created_at: s.created_at,
            last_used_at: s.last_used_at,
            expires_at: s.expires_at,
            user_agent: s.user_agent,
            ip: s.ip,
        })
        .collect())
}
