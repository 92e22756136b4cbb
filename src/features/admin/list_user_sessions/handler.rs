use sea_orm::DatabaseConnection;

use super::query::ListUserSessions;
use crate::{
    features::admin::account::find_account,
    http::ApiError,
    infra::{clock::Clock, db::entities::session, security::SessionSettings},
    services::sessions::live_sessions,
};

/// Reads the account's live sessions (not revoked, not expired, not idle), newest first;
/// 404 when there is no such account.
pub(super) async fn list_user_sessions(
    db: &DatabaseConnection,
    clock: &Clock,
    settings: &SessionSettings,
    query: ListUserSessions,
) -> Result<Vec<session::Model>, ApiError> {
    let account = find_account(db, query.user_id).await?;
    Ok(live_sessions(db, account.id, clock.now(), settings.idle_timeout).await?)
}
