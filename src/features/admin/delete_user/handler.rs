use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};

use super::command::DeleteUser;
use crate::{
    domain::{AuditAction, EventType},
    features::admin::account::no_such_account,
    http::{ApiError, last_writer, lockout},
    infra::{
        clock::Clock,
        db::{self, entities::user},
        events::outbox,
    },
    services::{
        administration::is_last_writer,
        audit::{AuditEntry, Provenance},
    },
};

/// Deletes the account (its sessions, refresh tokens and permissions go with it) and, in the
/// same transaction, records the `user.deleted` event, which mails the owner, as a deletion
/// by the owner does, and the audit row. An administrator deletes their own account as an
/// owner (`DELETE /api/v1/users`, password required), not here.
pub(super) async fn delete_user(
    db: &DatabaseConnection,
    clock: &Clock,
    provenance: &Provenance,
    command: DeleteUser,
) -> Result<(), ApiError> {
    if command.target == command.actor {
        return Err(lockout(
            "an administrator cannot delete their own account here; use DELETE /api/v1/users",
        ));
    }
    let now = clock.now();
    let txn = db::begin_write(db).await?;
    if is_last_writer(&txn, command.target).await? {
        return Err(last_writer());
    }
    let deleted = user::Entity::delete_many()
        .filter(user::Column::Id.eq(command.target))
        .exec_with_returning(&txn)
        .await?;
    let user = deleted.into_iter().next().ok_or_else(no_such_account)?;
    outbox::record(&txn, EventType::UserDeleted, &user, now).await?;
    AuditEntry::new(AuditAction::AccountDeleted)
        .by(command.actor)
        .on(user.id)
        .record(&txn, provenance, now)
        .await?;
    txn.commit().await?;
    Ok(())
}
