//! Resetting a forgotten password, in one place: `request` a reset e-mail for an account,
//! `issue` its single-use token when the e-mail goes out, find the token's `holder` and
//! `claim` the token when it comes back, `spend_all` of an account's tokens once its password changed. The
//! `password_resets` table is written only here (and pruned with the sessions).

mod claim;
mod issue;
mod settings;

use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, sea_query::Expr};
use uuid::Uuid;

pub(crate) use claim::{ClaimError, Refusal, claim, holder};
pub(crate) use issue::issue;
pub use settings::PasswordResetSettings;

use crate::{
    domain::EventType,
    infra::{
        db::entities::{password_reset, user},
        events::outbox,
    },
};

/// Queues the reset e-mail for the account's current address (the mailer mints the token).
pub(crate) async fn request(
    db: &impl ConnectionTrait,
    account: &user::Model,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    outbox::record(db, EventType::PasswordResetRequested, account, now).await
}

/// Spends every unused reset token of the account (its password just changed: a reset
/// e-mail still in an inbox must not undo that); call it in the transaction that changed it.
pub(crate) async fn spend_all(
    db: &impl ConnectionTrait,
    user_id: Uuid,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    password_reset::Entity::update_many()
        .col_expr(password_reset::Column::UsedAt, Expr::value(now))
        .filter(password_reset::Column::UserId.eq(user_id))
        .filter(password_reset::Column::UsedAt.is_null())
        .exec(db)
        .await
        .map(drop)
}
