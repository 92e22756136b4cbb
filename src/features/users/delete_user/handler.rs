use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, TransactionTrait};

use super::DeleteUser;
use crate::{
    features::AppError,
    infra::{
        db::entities::user,
        events::{EventEnvelope, EventType, outbox},
        security::PasswordHasher,
    },
};

/// Checks the password outside any transaction (bcrypt is slow), then deletes the row only
/// if its hash is still the one that was checked.
pub async fn delete_user(
    db: &DatabaseConnection,
    hasher: &PasswordHasher,
    command: DeleteUser,
) -> Result<user::Model, AppError> {
    let account = user::Entity::find_by_id(command.user_id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::NotFound("account".into()))?;
    if !hasher
        .verify(&command.password, Some(&account.password_hash))
        .await?
    {
        return Err(AppError::Forbidden("the password is incorrect".into()));
    }
    let txn = db.begin().await?;
    let deleted = user::Entity::delete_many()
        .filter(user::Column::Id.eq(account.id))
        .filter(user::Column::PasswordHash.eq(account.password_hash))
        .exec_with_returning(&txn)
        .await?;
    let user = deleted
        .into_iter()
        .next()
        .ok_or_else(|| AppError::NotFound("account".into()))?;
    outbox::append(
        &txn,
        &EventEnvelope::for_user(EventType::UserDeleted, &user),
    )
    .await?;
    txn.commit().await?;
    Ok(user)
}
