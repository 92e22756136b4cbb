use chrono::{DateTime, TimeDelta, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, Set,
};
use uuid::Uuid;

use super::EmailVerificationSettings;
use crate::{
    domain::UserEventData,
    infra::{
        db::entities::{email_verification, user},
        mail::SingleUseLink,
        security::OneTimeToken,
    },
};

/// How long an expired token is kept, so its use still reads "expired" rather than "invalid".
const EXPIRED_RETENTION: TimeDelta = TimeDelta::days(7);

/// Mints the token for a confirmation e-mail and stores its hash, bound to the account and
/// the address; the account's tokens expired for a week are deleted on the way. `None` when
/// there is nothing to confirm any more: the account is gone, its address changed since the
/// request, or the address is already confirmed.
pub(crate) async fn issue(
    db: &impl ConnectionTrait,
    account: &UserEventData,
    settings: &EmailVerificationSettings,
    now: DateTime<Utc>,
) -> Result<Option<SingleUseLink>, DbErr> {
    let pending = user::Entity::find_by_id(account.user_id)
        .filter(user::Column::Email.eq(&account.email))
        .filter(user::Column::EmailVerified.eq(false))
        .one(db)
        .await?;
    if pending.is_none() {
        return Ok(None);
    }
    email_verification::Entity::delete_many()
        .filter(email_verification::Column::UserId.eq(account.user_id))
        .filter(email_verification::Column::ExpiresAt.lt(now - EXPIRED_RETENTION))
        .exec(db)
        .await?;
    let token = OneTimeToken::generate();
    let ttl = TimeDelta::from_std(settings.token_ttl).unwrap_or(TimeDelta::MAX);
    email_verification::ActiveModel {
        id: Set(Uuid::now_v7()),
        user_id: Set(account.user_id),
        email: Set(account.email.clone()),
        token_hash: Set(token.hash),
        created_at: Set(now),
        expires_at: Set(now + ttl),
        used_at: Set(None),
    }
    .insert(db)
    .await?;
    Ok(Some(SingleUseLink {
        token: token.token,
        page_url: settings.confirm_url.clone(),
        valid_for: settings.token_ttl,
    }))
}
