//! Proving an account owns its e-mail address, in one place: `request` a confirmation e-mail
//! (sign-up, address change) or `resend` one within a quota (on demand, or a login under
//! `REQUIRE_VERIFIED_EMAIL`), `issue` its single-use token when the e-mail goes out, `claim`
//! the token when it comes back. The tokens are `single_use_token`s for
//! `Purpose::EmailConfirmation`.

mod issue;
mod queue;
mod settings;

use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, sea_query::Expr};

pub(crate) use issue::issue;
pub(crate) use queue::{Queued, ResendError, charge_quota, request, resend};
pub use settings::EmailVerificationSettings;

use super::single_use_token::{self, ClaimError, Purpose, Refusal};
use crate::infra::db::entities::user;

/// Spends the token and marks its address confirmed, in the caller's transaction (a
/// refusal must drop it, rolling the claim back). Of two concurrent uses one wins; it
/// confirms the account only while the account still has the address it was sent to.
pub(crate) async fn claim(
    txn: &impl ConnectionTrait,
    token: &str,
    now: DateTime<Utc>,
) -> Result<user::Model, ClaimError> {
    let claimed = single_use_token::claim(txn, Purpose::EmailConfirmation, token, now).await?;
    let confirmed = user::Entity::update_many()
        .col_expr(user::Column::EmailVerified, Expr::value(true))
        .col_expr(user::Column::UpdatedAt, Expr::value(now))
        .filter(user::Column::Id.eq(claimed.user_id))
        .filter(user::Column::Email.eq(&claimed.email))
        .exec_with_returning(txn)
        .await?;
    // `claim` checked the address: this is an address change racing us.
    let user = confirmed.into_iter().next();
    user.ok_or(ClaimError::Refused(Refusal::AddressChanged))
}
