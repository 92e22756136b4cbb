use sea_orm::{ActiveModelTrait, DatabaseConnection, Set, TransactionTrait};
use uuid::Uuid;

use super::command::CreateUser;
use crate::{
    domain::{AuditAction, EventType, Locale, PasswordContext},
    features::users::account::{check_reputation, taken_or},
    http::ApiError,
    infra::{
        clock::Clock, db::entities::user, email_verifier::EmailVerifier, events::outbox,
        security::PasswordHasher, telemetry::metrics,
    },
    services::{
        audit::{AuditEntry, Provenance},
        email_confirmation,
        password_policy::PasswordPolicy,
    },
};

/// Checks the password against the policy (the username and address as context), then the
/// address's reputation while hashing the password, then inserts the account
/// with its `user.created` event and its confirmation request; the unique indexes decide
/// duplicates, so concurrent registrations of one name get one winner.
pub(super) async fn create_user(
    db: &DatabaseConnection,
    clock: &Clock,
    hasher: &PasswordHasher,
    verifier: &EmailVerifier,
    policy: &PasswordPolicy,
    provenance: &Provenance,
    command: CreateUser,
) -> Result<user::Model, ApiError> {
    let context = PasswordContext::of(command.username.as_str(), command.email.as_str());
    policy.check("password", &command.password, context).await?;
    let (reputation, password_hash) = tokio::join!(
        check_reputation(verifier, &command.email),
        hasher.hash(&command.password)
    );
    reputation?;
    let password_hash = password_hash?;
    let now = clock.now();
    let txn = db.begin().await?;
    let user = user::ActiveModel {
        id: Set(Uuid::now_v7()),
        username: Set(command.username.into_inner()),
        email: Set(command.email.into_inner()),
        password_hash: Set(password_hash),
        email_verified: Set(false),
        created_at: Set(now),
        updated_at: Set(now),
        disabled_at: Set(None),
        locale: Set(command.locale.map(Locale::into_inner)),
    }
    .insert(&txn)
    .await
    .map_err(taken_or)?;
    outbox::record(&txn, EventType::UserCreated, &user, now).await?;
    email_confirmation::request(&txn, &user, now).await?;
    AuditEntry::new(AuditAction::SignedUp)
        .by_self(user.id)
        .record(&txn, provenance, now)
        .await?;
    txn.commit().await?;
    metrics::signup();
    Ok(user)
}
