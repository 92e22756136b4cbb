use sea_orm::{DatabaseConnection, EntityTrait, QuerySelect, sea_query::LockType};

use crate::{
    features::admin::{
        account::no_such_account,
        escalation::{PermissionChange, PermissionCommand},
    },
    http::ApiError,
    infra::{
        clock::Clock,
        db::{self, entities::user},
    },
    services::{administration, audit::Provenance},
};

/// Refuses a permission the administrator does not hold (`PermissionCommand::authorize`),
/// then grants it unless the account already holds it (then nothing changes and nothing is
/// audited). The account's row is locked against deletion (PostgreSQL `FOR KEY SHARE`)
/// until the grant commits, so a concurrent deletion is a 404, not a foreign-key failure.
pub(super) async fn grant_permission(
    db: &DatabaseConnection,
    clock: &Clock,
    provenance: &Provenance,
    command: PermissionCommand,
) -> Result<(), ApiError> {
    let change = command
        .authorize(db, PermissionChange::Grant, provenance, clock.now())
        .await?;
    let Some(target) = command.target else {
        return Err(no_such_account());
    };
    let txn = db::begin_write(db).await?;
    let account = user::Entity::find_by_id(target)
        .lock(LockType::KeyShare)
        .one(&txn)
        .await?
        .ok_or_else(no_such_account)?;
    administration::grant(&txn, account.id, command.permission, change).await?;
    txn.commit().await?;
    Ok(())
}
