use sea_orm::DatabaseConnection;

use super::query::{ListUserSessions, UserSessionView};
use crate::{
    features::{admin::find_account, sessions::live_sessions},
    http::ApiError,
    infra::{clock::Clock, security::SessionSettings},
};

/// Reads the account's live sessions (not revoked, not expired, not idle), newest first;
/// 404 when there is no such account.
pub(super) async fn list_user_sessions(
    db: &DatabaseConnection,
    clock: &Clock,
    settings: &SessionSettings,
    query: ListUserSessions,
) -> Result<Vec<UserSessionView>, ApiError> {
    let account = find_account(db, query.user_id).await?;
    let sessions = live_sessions(db, account.id, clock.now(), settings.idle_timeout).await?;
    Ok(sessions
        .into_iter()
        .map(|s| UserSessionView {
            id: s.id,
            created_at: s.created_at,
            last_used_at: s.last_used_at,
            expires_at: s.expires_at,
            user_agent: s.user_agent,
            ip: s.ip,
        })
        .collect())
}
