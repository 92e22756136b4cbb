use sea_orm::DatabaseConnection;

use super::command::DeleteOtherSessions;
use crate::{
    domain::AuditAction,
    features::sessions::{self, Ending},
    http::{ApiError, Provenance},
    infra::clock::Clock,
};

/// Ends the account's other open sessions in one statement, audited as one revocation
/// naming how many ended; none is not an error, and leaves no row.
pub(super) async fn delete_other_sessions(
    db: &DatabaseConnection,
    clock: &Clock,
    provenance: &Provenance,
    command: DeleteOtherSessions,
) -> Result<(), ApiError> {
    let ending = Ending::AllBut(command.keep);
    let action = AuditAction::SessionRevoked;
    sessions::end_by_owner(db, command.user_id, ending, action, provenance, clock.now()).await?;
    Ok(())
}
