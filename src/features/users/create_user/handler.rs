use chrono::Utc;
use sea_orm::{ActiveModelTrait, DatabaseConnection, Set, TransactionTrait};
use uuid::Uuid;

use super::CreateUser;
use crate::{
    features::{AppError, users::taken_or},
    infra::{
        db::entities::user,
        events::{EventEnvelope, EventType, outbox},
        security::PasswordHasher,
    },
};

/// Hashes the password and inserts the account with its `user.created` event; the unique
/// indexes decide duplicates, so concurrent registrations of one name get one winner.
pub async fn create_user(
    db: &DatabaseConnection,
    hasher: &PasswordHasher,
    command: CreateUser,
) -> Result<user::Model, AppError> {
    let password_hash = hasher.hash(&command.password).await?;
    let now = Utc::now();
    let txn = db.begin().await?;
    let user = user::ActiveModel {
        id: Set(Uuid::now_v7()),
        username: Set(command.username.into_inner()),
        email: Set(command.email.into_inner()),
        password_hash: Set(password_hash),
        email_verified: Set(false),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&txn)
    .await
    .map_err(taken_or)?;
    outbox::append(
        &txn,
        &EventEnvelope::for_user(EventType::UserCreated, &user),
    )
    .await?;
    txn.commit().await?;
    Ok(user)
}
