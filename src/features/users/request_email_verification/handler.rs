use sea_orm::{DatabaseConnection, EntityTrait};

use super::RequestEmailVerification;
use crate::{
    features::AppError,
    infra::{
        db::entities::user,
        events::{EventEnvelope, EventType, outbox},
        rate_limit::{RateLimits, Scope},
    },
};

/// Queues a `user.email_verification_requested` event (the mailer mints the token), within
/// the per-account quota of confirmation e-mails. Earlier tokens stay valid until they
/// expire, so an older e-mail still works.
pub async fn request_email_verification(
    db: &DatabaseConnection,
    limits: &RateLimits,
    command: RequestEmailVerification,
) -> Result<(), AppError> {
    let account = user::Entity::find_by_id(command.user_id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::NotFound("account".into()))?;
    if account.email_verified {
        return Err(AppError::AlreadyVerified);
    }
    queue_confirmation(db, limits, &account).await
}

/// The quota check and the outbox write, for an account already loaded and unconfirmed
/// (the token endpoint's resend under `REQUIRE_VERIFIED_EMAIL` has it in hand).
pub async fn queue_confirmation(
    db: &DatabaseConnection,
    limits: &RateLimits,
    account: &user::Model,
) -> Result<(), AppError> {
    let quota = limits
        .acquire(&[(Scope::VerificationEmails, &account.id.to_string())])
        .await?;
    if let Some(refused) = quota.into_iter().flatten().find(|d| !d.allowed) {
        return Err(AppError::RateLimited(refused));
    }
    let event = EventEnvelope::for_user(EventType::EmailVerificationRequested, account);
    outbox::append(db, &event).await?;
    Ok(())
}
