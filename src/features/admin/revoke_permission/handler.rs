use sea_orm::DatabaseConnection;

use super::error::own_write_permission;
use crate::{
    domain::Permission,
    features::admin::{
        account::find_account,
        escalation::{PermissionChange, PermissionCommand},
    },
    http::{ApiError, last_writer},
    infra::{clock::Clock, db},
    services::{
        administration::{self, is_last_writer},
        audit::Provenance,
    },
};

/// Refuses a permission the administrator does not hold (`PermissionCommand::authorize`),
/// then revokes it if the account holds it (otherwise nothing changes and nothing is
/// audited). `users:write`, the permission that grants permissions, is never revoked from
/// the caller itself, nor from the last enabled account holding it: the count runs
/// after locking every holder (`is_last_writer`), so concurrent revocations cannot both
/// pass it.
pub(super) async fn revoke_permission(
    db: &DatabaseConnection,
    clock: &Clock,
    provenance: &Provenance,
    command: PermissionCommand,
) -> Result<(), ApiError> {
    let change = command
        .authorize(db, PermissionChange::Revoke, provenance, clock.now())
        .await?;
    let txn = db::begin_write(db).await?;
    let account = find_account(&txn, command.target).await?;
    if command.permission == Permission::UsersWrite {
        if account.id == command.actor {
            return Err(own_write_permission());
        }
        if is_last_writer(&txn, account.id).await? {
            return Err(last_writer());
        }
    }
    administration::revoke(&txn, account.id, command.permission, change).await?;
    txn.commit().await?;
    Ok(())
}
