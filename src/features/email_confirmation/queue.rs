use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, DbErr};

use crate::{
    domain::EventType,
    http::ApiError,
    infra::{
        db::entities::user,
        events::outbox,
        rate_limit::{Decision, RateLimits, Scope},
    },
};

/// Queues the confirmation e-mail for the account's current address (the mailer mints the
/// token); call it in the transaction that set the address.
pub(crate) async fn request(
    db: &impl ConnectionTrait,
    account: &user::Model,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    outbox::record(db, EventType::EmailVerificationRequested, account, now).await
}

/// Whether a resend was queued.
pub(crate) enum Queued {
    Yes,
    /// The account asked for too many (`RATE_LIMIT_VERIFICATION_EMAILS`): nothing queued.
    OverQuota(Decision),
}

/// Queues another confirmation e-mail for an account already loaded and unconfirmed, within
/// its quota. Earlier tokens stay valid until they expire, so an older e-mail still works.
pub(crate) async fn resend(
    db: &impl ConnectionTrait,
    limits: &RateLimits,
    account: &user::Model,
    now: DateTime<Utc>,
) -> Result<Queued, ApiError> {
    let quota = limits
        .acquire(&[(Scope::VerificationEmails, &account.id.to_string())])
        .await?;
    if let Some(refused) = quota.into_iter().flatten().find(|d| !d.allowed) {
        return Ok(Queued::OverQuota(refused));
    }
    request(db, account, now).await?;
    Ok(Queued::Yes)
}
