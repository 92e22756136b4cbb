use chrono::{DateTime, TimeDelta, Utc};
use sea_orm::{ConnectionTrait, DbErr};

use super::EmailVerificationSettings;
use crate::{
    domain::UserEventData,
    infra::mail::SingleUseLink,
    services::single_use_token::{self, Purpose},
};

/// How long an expired token is kept, so its use still reads "expired" rather than "invalid".
const EXPIRED_RETENTION: TimeDelta = TimeDelta::days(7);

/// Mints the token for a confirmation e-mail, bound to the account and the address; the
/// account's tokens spent or expired for a week are deleted on the way. `None` when there is
/// nothing to confirm any more: the account is gone, its address changed since the request,
/// or the address is already confirmed.
pub(crate) async fn issue(
    db: &impl ConnectionTrait,
    account: &UserEventData,
    settings: &EmailVerificationSettings,
    now: DateTime<Utc>,
) -> Result<Option<SingleUseLink>, DbErr> {
    let (purpose, stale) = (Purpose::EmailConfirmation, now - EXPIRED_RETENTION);
    single_use_token::forget(db, purpose, Some(account.user_id), stale).await?;
    let link = (settings.token_ttl, &settings.confirm_url);
    single_use_token::mint(db, purpose, account, link, now).await
}
