use chrono::Utc;
use sea_orm::{ActiveModelTrait, DatabaseConnection, Set, TransactionTrait};
use uuid::Uuid;

use super::CreateUser;
use crate::{
    features::{
        AppError,
        users::{check_reputation, taken_or},
    },
    infra::{
        db::entities::user,
        email_verifier::EmailVerifier,
        events::{EventEnvelope, EventType, outbox},
        security::PasswordHasher,
    },
};

/// Checks the address's reputation while hashing the password, then inserts the account
/// with its `user.created` and `user.email_verification_requested` events; the unique
/// indexes decide duplicates, so concurrent registrations of one name get one winner.
pub async fn create_user(
    db: &DatabaseConnection,
    hasher: &PasswordHasher,
    verifier: &EmailVerifier,
    command: CreateUser,
) -> Result<user::Model, AppError> {
    let (reputation, password_hash) = tokio::join!(
        check_reputation(verifier, &command.email),
        hasher.hash(&command.password)
    );
    reputation?;
    let password_hash = password_hash?;
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
    for kind in [
        EventType::UserCreated,
        EventType::EmailVerificationRequested,
    ] {
        outbox::append(&txn, &EventEnvelope::for_user(kind, &user)).await?;
    }
    txn.commit().await?;
    Ok(user)
}
