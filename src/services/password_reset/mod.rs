//! Resetting a forgotten password, in one place: `request` a reset e-mail for an account,
//! `issue` its single-use token when the e-mail goes out, find the token's `holder` and
//! `claim` the token when it comes back, `spend_all` of an account's tokens once its password
//! changed. The tokens are `single_use_token`s for `Purpose::PasswordReset`.

mod settings;

use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, DbErr};
use uuid::Uuid;

pub use settings::PasswordResetSettings;

use super::single_use_token::{self, ClaimError, Purpose, StoredToken};
use crate::{
    domain::{EventType, UserEventData},
    infra::{db::entities::user, events::outbox, mail::SingleUseLink},
};

/// Queues the reset e-mail for the account's current address (the mailer mints the token).
pub(crate) async fn request(
    db: &impl ConnectionTrait,
    account: &user::Model,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    outbox::record(db, EventType::PasswordResetRequested, account, now).await
}

/// Mints the token for a reset e-mail, bound to the account and the address it goes to.
/// `None` when the e-mail must not go out: the account is gone, or its address changed since
/// the request (the old address no longer speaks for it).
pub(crate) async fn issue(
    db: &impl ConnectionTrait,
    account: &UserEventData,
    settings: &PasswordResetSettings,
    now: DateTime<Utc>,
) -> Result<Option<SingleUseLink>, DbErr> {
    let link = (settings.token_ttl, &settings.url);
    single_use_token::mint(db, Purpose::PasswordReset, account, link, now).await
}

/// The account a reset token would reset, without spending it (see `single_use_token::peek`).
pub(crate) async fn holder(
    db: &impl ConnectionTrait,
    token: &str,
    now: DateTime<Utc>,
) -> Result<user::Model, ClaimError> {
    single_use_token::peek(db, Purpose::PasswordReset, token, now).await
}

/// Spends the reset token (see `single_use_token::claim`).
pub(crate) async fn claim(
    txn: &impl ConnectionTrait,
    token: &str,
    now: DateTime<Utc>,
) -> Result<StoredToken, ClaimError> {
    single_use_token::claim(txn, Purpose::PasswordReset, token, now).await
}

/// Spends every unused reset token of the account (its password just changed: a reset
/// e-mail still in an inbox must not undo that); call it in the transaction that changed it.
pub(crate) async fn spend_all(
    db: &impl ConnectionTrait,
    user_id: Uuid,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    single_use_token::spend_all(db, Purpose::PasswordReset, user_id, now).await
}
