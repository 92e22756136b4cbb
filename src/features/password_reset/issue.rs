use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, Set,
};
use uuid::Uuid;

use super::PasswordResetSettings;
use crate::{
    domain::UserEventData,
    infra::{
        clock::later,
        db::entities::{password_reset, user},
        mail::SingleUseLink,
        security::OneTimeToken,
    },
};

/// Mints the token for a reset e-mail and stores its hash, bound to the account and the
/// address it goes to. `None` when the e-mail must not go out: the account is gone, or its
/// address changed since the request (the old address no longer speaks for it).
pub(crate) async fn issue(
    db: &impl ConnectionTrait,
    account: &UserEventData,
    settings: &PasswordResetSettings,
    now: DateTime<Utc>,
) -> Result<Option<SingleUseLink>, DbErr> {
    let current = user::Entity::find_by_id(account.user_id)
        .filter(user::Column::Email.eq(&account.email))
        .one(db)
        .await?;
    if current.is_none() {
        return Ok(None);
    }
    let token = OneTimeToken::generate();
    password_reset::ActiveModel {
        id: Set(Uuid::now_v7()),
        user_id: Set(account.user_id),
        email: Set(account.email.clone()),
        token_hash: Set(token.hash),
        created_at: Set(now),
        expires_at: Set(later(now, settings.token_ttl)),
        used_at: Set(None),
    }
    .insert(db)
    .await?;
    Ok(Some(SingleUseLink {
        token: token.token,
        page_url: settings.url.clone(),
        valid_for: settings.token_ttl,
    }))
}
