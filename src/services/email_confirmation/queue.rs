use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, DbErr};
use uuid::Uuid;

use crate::{
    domain::EventType,
    infra::{
        db::entities::user,
        events::outbox,
        rate_limit::{Decision, LimiterError, RateLimits, Scope},
    },
};

/// Why a resend could not be decided: the quota's store or the database failed.
#[derive(Debug, thiserror::Error)]
pub(crate) enum ResendError {
    #[error(transparent)]
    Limits(#[from] LimiterError),
    #[error(transparent)]
    Database(#[from] DbErr),
}

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
) -> Result<Queued, ResendError> {
    if let Some(refused) = charge_quota(limits, account.id).await? {
        return Ok(Queued::OverQuota(refused));
    }
    request(db, account, now).await?;
    Ok(Queued::Yes)
}

/// Counts one confirmation e-mail against the account's quota
/// (`RATE_LIMIT_VERIFICATION_EMAILS`); the refusing decision when it is spent (nothing
/// counted then). Call it before the transaction that will `request` the e-mail.
pub(crate) async fn charge_quota(
    limits: &RateLimits,
    account: Uuid,
) -> Result<Option<Decision>, LimiterError> {
    let quota = limits
        .acquire(&[(Scope::VerificationEmails, &account.to_string())])
        .await?;
    Ok(quota.into_iter().flatten().find(|d| !d.allowed))
}
