use sea_orm::{DatabaseConnection, TransactionTrait};

use super::command::DeleteOtherSessions;
use crate::{
    domain::AuditAction,
    features::{audit::AuditEntry, sessions},
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
    let now = clock.now();
    let txn = db.begin().await?;
    let ended = sessions::end_all(&txn, command.user_id, Some(command.keep), now).await?;
    if ended > 0 {
        AuditEntry::new(AuditAction::SessionRevoked)
            .by_self(command.user_id)
            .with("sessions", ended)
            .record(&txn, provenance, now)
            .await?;
    }
    txn.commit().await?;
    Ok(())
}
