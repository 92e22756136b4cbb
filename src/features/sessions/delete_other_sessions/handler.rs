use sea_orm::DatabaseConnection;

use super::command::DeleteOtherSessions;
use crate::{features::sessions, http::ApiError, infra::clock::Clock};

/// Ends the account's other open sessions in one statement; none is not an error.
pub(super) async fn delete_other_sessions(
    db: &DatabaseConnection,
    clock: &Clock,
    command: DeleteOtherSessions,
) -> Result<(), ApiError> {
    sessions::end_all(db, command.user_id, Some(command.keep), clock.now()).await?;
    Ok(())
}
