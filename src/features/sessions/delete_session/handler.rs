use sea_orm::DatabaseConnection;

use super::{command::DeleteSession, error::no_such_session};
use crate::{
    domain::AuditAction,
    features::sessions::{self, Ending},
    http::{ApiError, Provenance},
    infra::clock::Clock,
};

/// Ends the session if it is the account's and still open, audited as a revocation.
pub(super) async fn delete_session(
    db: &DatabaseConnection,
    clock: &Clock,
    provenance: &Provenance,
    command: DeleteSession,
) -> Result<(), ApiError> {
    let ending = Ending::One(command.session_id);
    let action = AuditAction::SessionRevoked;
    let now = clock.now();
    match sessions::end_by_owner(db, command.user_id, ending, action, provenance, now).await? {
        0 => Err(no_such_session()),
        _ => Ok(()),
    }
}
