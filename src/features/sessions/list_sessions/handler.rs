use sea_orm::DatabaseConnection;

use super::query::ListSessions;
use crate::{
    http::ApiError,
    infra::{clock::Clock, db::entities::session, security::SessionSettings},
    services::sessions::live_sessions,
};

/// Reads the account's live sessions (not revoked, not expired, not idle), newest first.
pub(super) async fn list_sessions(
    db: &DatabaseConnection,
    clock: &Clock,
    settings: &SessionSettings,
    query: ListSessions,
) -> Result<Vec<session::Model>, ApiError> {
    Ok(live_sessions(db, query.user_id, clock.now(), settings.idle_timeout).await?)
}
