use sea_orm::DatabaseConnection;

use super::{command::DeleteSession, error::no_such_session};
use crate::{features::sessions, http::ApiError, infra::clock::Clock};

/// Ends the session if it is the account's and still open.
pub(super) async fn delete_session(
    db: &DatabaseConnection,
    clock: &Clock,
    command: DeleteSession,
) -> Result<(), ApiError> {
    if sessions::end(db, command.user_id, command.session_id, clock.now()).await? {
        Ok(())
    } else {
        Err(no_such_session())
    }
}
