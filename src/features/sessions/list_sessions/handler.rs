use sea_orm::DatabaseConnection;

use super::query::{ListSessions, SessionView};
use crate::{
    features::sessions::live_sessions,
    http::ApiError,
    infra::{clock::Clock, security::SessionSettings},
};

/// Reads the account's live sessions (not revoked, not expired, not idle), newest first.
pub(super) async fn list_sessions(
    db: &DatabaseConnection,
    clock: &Clock,
    settings: &SessionSettings,
    query: ListSessions,
) -> Result<Vec<SessionView>, ApiError> {
    let sessions = live_sessions(db, query.user_id, clock.now(), settings.idle_timeout).await?;
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
