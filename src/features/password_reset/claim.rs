use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, sea_query::Expr};

use crate::infra::{
    db::entities::{password_reset, user},
    security::OneTimeToken,
};

/// Why a reset token was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Refusal {
    /// No such token (mistyped, forged, pruned, or its account is gone).
    Unknown,
    /// Spent: used already, or the password changed since it was sent.
    Used,
    Expired,
}

#[derive(Debug, thiserror::Error)]
pub(crate) enum ClaimError {
    #[error("reset token refused: {0:?}")]
    Refused(Refusal),
    #[error(transparent)]
    Database(#[from] DbErr),
}

/// Spends the token; call it first in the transaction that sets the new password, which
/// then rolls the claim back if it fails. It starts with the write (`UPDATE ... WHERE
/// used_at IS NULL AND expires_at > now`), so SQLite takes its write lock first and
/// concurrent uses queue rather than fail, and of two uses exactly one wins; only then it
/// reads the row, to tell a used token from an expired or unknown one.
pub(crate) async fn claim(
    txn: &impl ConnectionTrait,
    token: &str,
    now: DateTime<Utc>,
) -> Result<password_reset::Model, ClaimError> {
    let hash = OneTimeToken::hash(token);
    let claimed = password_reset::Entity::update_many()
        .col_expr(password_reset::Column::UsedAt, Expr::value(now))
        .filter(password_reset::Column::TokenHash.eq(&hash))
        .filter(password_reset::Column::UsedAt.is_null())
        .filter(password_reset::Column::ExpiresAt.gt(now))
        .exec(txn)
        .await?
        .rows_affected
        == 1;
    let found = password_reset::Entity::find()
        .filter(password_reset::Column::TokenHash.eq(hash))
        .one(txn)
        .await?;
    match found {
        Some(row) if claimed => Ok(row),
        Some(row) if row.used_at.is_some() => Err(ClaimError::Refused(Refusal::Used)),
        Some(_) => Err(ClaimError::Refused(Refusal::Expired)),
        None => Err(ClaimError::Refused(Refusal::Unknown)),
    }
}

/// The account a reset token would reset, read without spending the token, so the new
/// password can be checked against the account first (a refused password leaves the token
/// usable); refused as [`claim`] would refuse it. `claim` still decides the race.
pub(crate) async fn holder(
    db: &impl ConnectionTrait,
    token: &str,
    now: DateTime<Utc>,
) -> Result<user::Model, ClaimError> {
    let found = password_reset::Entity::find()
        .filter(password_reset::Column::TokenHash.eq(OneTimeToken::hash(token)))
        .one(db)
        .await?;
    let reset = match found {
        None => return Err(ClaimError::Refused(Refusal::Unknown)),
        Some(row) if row.used_at.is_some() => return Err(ClaimError::Refused(Refusal::Used)),
        Some(row) if row.expires_at <= now => return Err(ClaimError::Refused(Refusal::Expired)),
        Some(row) => row,
    };
    user::Entity::find_by_id(reset.user_id)
        .one(db)
        .await?
        .ok_or(ClaimError::Refused(Refusal::Unknown))
}
