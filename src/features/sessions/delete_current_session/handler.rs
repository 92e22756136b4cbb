use sea_orm::{DatabaseConnection, TransactionTrait};

use super::command::DeleteCurrentSession;
use crate::{
    domain::AuditAction,
    features::{audit::AuditEntry, sessions},
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
    let now = clock.now();
    let txn = db.begin().await?;
    if sessions::end(&txn, command.user_id, command.session_id, now).await? {
        AuditEntry::new(AuditAction::LoggedOut)
            .by_self(command.user_id)
            .with("session_id", command.session_id.to_string())
            .record(&txn, provenance, now)
            .await?;
    }
    txn.commit().await?;
    Ok(())
}
