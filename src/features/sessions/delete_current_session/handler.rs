use sea_orm::DatabaseConnection;

use super::command::DeleteCurrentSession;
use crate::{features::sessions, http::ApiError, infra::clock::Clock};

/// Ends the session; one that ended meanwhile (a concurrent logout) is just as logged out.
pub(super) async fn delete_current_session(
    db: &DatabaseConnection,
    clock: &Clock,
    command: DeleteCurrentSession,
) -> Result<(), ApiError> {
    sessions::end(db, command.user_id, command.session_id, clock.now()).await?;
    Ok(())
}
