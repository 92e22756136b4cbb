use sea_orm::{DatabaseConnection, TransactionTrait};

use super::{command::DeleteSession, error::no_such_session};
use crate::{
    domain::AuditAction,
    features::{audit::AuditEntry, sessions},
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
    let now = clock.now();
    let txn = db.begin().await?;
    if !sessions::end(&txn, command.user_id, command.session_id, now).await? {
        return Err(no_such_session());
    }
    AuditEntry::new(AuditAction::SessionRevoked)
        .by_self(command.user_id)
        .with("session_id", command.session_id.to_string())
        .record(&txn, provenance, now)
        .await?;
    txn.commit().await?;
    Ok(())
}
