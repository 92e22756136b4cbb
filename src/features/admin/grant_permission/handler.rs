use sea_orm::{DatabaseConnection, EntityTrait, QuerySelect, sea_query::LockType};

use super::command::GrantPermission;
use crate::{
    features::admin::{self, Change, PermissionChange, no_such_account, refuse_unless_held},
    http::{ApiError, Provenance},
    infra::{
        clock::Clock,
        db::{self, entities::user},
    },
};

/// Refuses a permission the administrator does not hold (`refuse_unless_held`), then grants
/// it unless the account already holds it (then nothing changes and nothing is audited). The account's row is locked against deletion (PostgreSQL
/// `FOR KEY SHARE`) until the grant commits, so a concurrent deletion is a 404, not a
/// foreign-key failure.
pub(super) async fn grant_permission(
    db: &DatabaseConnection,
    clock: &Clock,
    provenance: &Provenance,
    command: GrantPermission,
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
        PermissionChange::Grant,
        target,
        change,
    )
    .await?;
    let Some(target) = target else {
        return Err(no_such_account());
    };
    let txn = db::begin_write(db).await?;
    let account = user::Entity::find_by_id(target)
        .lock(LockType::KeyShare)
        .one(&txn)
        .await?
        .ok_or_else(no_such_account)?;
    admin::grant(&txn, account.id, permission, change).await?;
    txn.commit().await?;
    Ok(())
}
