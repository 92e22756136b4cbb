use sea_orm::DatabaseConnection;

use super::{command::RequestEmailVerification, error::already_verified};
use crate::{
    http::ApiError,
    infra::{clock::Clock, rate_limit::RateLimits},
    services::email_confirmation::{self, Queued},
};

/// Queues another confirmation e-mail (the mailer mints the token), within the per-account
/// quota of confirmation e-mails.
pub(super) async fn request_email_verification(
    db: &DatabaseConnection,
    clock: &Clock,
    limits: &RateLimits,
    command: RequestEmailVerification,
) -> Result<(), ApiError> {
    let account = command.account;
    if account.email_verified {
        return Err(already_verified());
    }
    match email_confirmation::resend(db, limits, &account, clock.now()).await? {
        Queued::Yes => Ok(()),
        Queued::OverQuota(refused) => Err(ApiError::too_many_requests(&refused)),
    }
}
