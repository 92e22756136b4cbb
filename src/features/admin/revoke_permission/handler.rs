use sea_orm::DatabaseConnection;

use super::{command::RevokePermission, error::own_write_permission};
use crate::{
    domain::Permission,
    features::admin::{
        self, Change, PermissionChange, find_account, is_last_writer, last_writer,
        refuse_unless_held,
    },
    http::{ApiError, Provenance},
    infra::{clock::Clock, db},
};

/// Refuses a permission the administrator does not hold (`refuse_unless_held`), then
/// revokes it if the account holds it (otherwise nothing changes and nothing is audited). `users:write`, the permission that grants permissions, is never revoked
/// from the caller itself, nor from the last enabled account holding it: the count runs
/// after locking every holder (`is_last_writer`), so concurrent revocations cannot both
/// pass it.
pub(super) async fn revoke_permission(
    db: &DatabaseConnection,
    clock: &Clock,
    provenance: &Provenance,
    command: RevokePermission,
) -> Result<(), ApiError> {
    let now = clock.now();
    let change = Change {
        actor: Some(command.actor),
        provenance,
        now,
    };
    let (permission, target) = (command.permission, command.target);
    refuse_unless_held(
        db,
        command.actor_holds,
        permission,
        PermissionChange::Revoke,
        target,
        change,
    )
    .await?;
    let txn = db::begin_write(db).await?;
    let account = find_account(&txn, command.target).await?;
    if permission == Permission::UsersWrite {
        if account.id == command.actor {
            return Err(own_write_permission());
        }
        if is_last_writer(&txn, account.id).await? {
            return Err(last_writer());
        }
    }
    admin::revoke(&txn, account.id, permission, change).await?;
    txn.commit().await?;
    Ok(())
}
