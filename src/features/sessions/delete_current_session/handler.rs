use sea_orm::DatabaseConnection;

use super::command::DeleteCurrentSession;
use crate::{
    domain::AuditAction,
    features::sessions::{self, Ending},
    http::{ApiError, Provenance},
    infra::clock::Clock,
};

/// Ends the session, audited as a logout; one that ended meanwhile (a concurrent logout) is
/// just as logged out, and audited once, by whichever ended it.
pub(super) async fn delete_current_session(
    db: &DatabaseConnection,
    clock: &Clock,
    provenance: &Provenance,
    command: DeleteCurrentSession,
) -> Result<(), ApiError> {
    let ending = Ending::One(command.session_id);
    let action = AuditAction::LoggedOut;
    sessions::end_by_owner(db, command.user_id, ending, action, provenance, clock.now()).await?;
    Ok(())
}
