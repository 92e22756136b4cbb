use sea_orm::DatabaseConnection;

use super::command::DeleteUserSessions;
use crate::{
    domain::AuditAction,
    features::admin::account::find_account,
    http::ApiError,
    infra::{clock::Clock, db},
    services::{
        audit::{AuditEntry, Provenance},
        sessions,
    },
};

/// Ends every open session of the account, audited as one revocation (with how many ended)
/// when there was any; 404 when there is no such account.
pub(super) async fn delete_user_sessions(
    db: &DatabaseConnection,
    clock: &Clock,
    provenance: &Provenance,
    command: DeleteUserSessions,
) -> Result<(), ApiError> {
    let now = clock.now();
    let txn = db::begin_write(db).await?;
    let account = find_account(&txn, command.target).await?;
    let ended = sessions::end_all(&txn, account.id, None, now).await?;
    if ended > 0 {
        AuditEntry::new(AuditAction::SessionRevoked)
            .by(command.actor)
            .on(account.id)
            .with("sessions", ended)
            .record(&txn, provenance, now)
            .await?;
    }
    txn.commit().await?;
    Ok(())
}
