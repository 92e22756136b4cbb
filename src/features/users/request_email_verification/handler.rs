use sea_orm::{DatabaseConnection, EntityTrait};

use super::{command::RequestEmailVerification, error::already_verified};
use crate::{
    features::{
        email_confirmation::{self, Queued},
        users::account_gone,
    },
    http::ApiError,
    infra::{clock::Clock, db::entities::user, rate_limit::RateLimits},
};

/// Queues another confirmation e-mail (the mailer mints the token), within the per-account
/// quota of confirmation e-mails.
pub(super) async fn request_email_verification(
    db: &DatabaseConnection,
    clock: &Clock,
    limits: &RateLimits,
    command: RequestEmailVerification,
) -> Result<(), ApiError> {
    let account = user::Entity::find_by_id(command.user_id)
        .one(db)
        .await?
        .ok_or_else(account_gone)?;
    if account.email_verified {
        return Err(already_verified());
    }
    match email_confirmation::resend(db, limits, &account, clock.now()).await? {
        Queued::Yes => Ok(()),
        Queued::OverQuota(refused) => Err(ApiError::too_many_requests(&refused)),
    }
}
