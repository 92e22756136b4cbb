use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, TransactionTrait};

use super::command::DeleteUser;
use crate::{
    domain::{AuditAction, EventType},
    features::{audit::AuditEntry, users::account_gone},
    http::{ApiError, Provenance},
    infra::{clock::Clock, db::entities::user, events::outbox, security::PasswordHasher},
};

/// Checks the password outside any transaction (bcrypt is slow), then deletes the row only
/// if its hash is still the one that was checked.
pub(super) async fn delete_user(
    db: &DatabaseConnection,
    clock: &Clock,
    hasher: &PasswordHasher,
    provenance: &Provenance,
    command: DeleteUser,
) -> Result<user::Model, ApiError> {
    let account = command.account;
    if !hasher
        .verify(&command.password, Some(&account.password_hash))
        .await?
    {
        return Err(ApiError::forbidden("the password is incorrect"));
    }
    let txn = db.begin().await?;
    let deleted = user::Entity::delete_many()
        .filter(user::Column::Id.eq(account.id))
        .filter(user::Column::PasswordHash.eq(account.password_hash))
        .exec_with_returning(&txn)
        .await?;
    let user = deleted.into_iter().next().ok_or_else(account_gone)?;
    let now = clock.now();
    outbox::record(&txn, EventType::UserDeleted, &user, now).await?;
    AuditEntry::new(AuditAction::AccountDeleted)
        .by_self(user.id)
        .record(&txn, provenance, now)
        .await?;
    txn.commit().await?;
    Ok(user)
}
