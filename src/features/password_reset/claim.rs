use chrono::{DateTime, Utc};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait, QueryFilter,
    sea_query::{Expr, ExprTrait, Query},
};

use crate::infra::{
    db::entities::{password_reset, user},
    security::OneTimeToken,
};

/// Why a reset token was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Refusal {
    /// No such token (mistyped, forged, pruned, or its account is gone), or one mailed to
    /// an address the account no longer has.
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
/// used_at IS NULL AND expires_at > now` and the account still has the address the token was
/// mailed to), so SQLite takes its write lock first and concurrent uses queue rather than
/// fail, and of two uses exactly one wins; only then it reads the row, to tell a used token
/// from an expired or unknown one. A token whose address is no longer the account's is
/// unknown, whatever else holds: it was bound to that address.
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
        .filter(Expr::exists(still_addressed()))
        .exec(txn)
        .await?
        .rows_affected
        == 1;
    let found = password_reset::Entity::find()
        .filter(password_reset::Column::TokenHash.eq(hash))
        .one(txn)
        .await?;
    let Some(row) = found else {
        return Err(ClaimError::Refused(Refusal::Unknown));
    };
    if claimed {
        return Ok(row);
    }
    let addressed = user::Entity::find_by_id(row.user_id)
        .filter(user::Column::Email.eq(&row.email))
        .count(txn)
        .await?
        > 0;
    Err(ClaimError::Refused(match row.used_at {
        _ if !addressed => Refusal::Unknown,
        Some(_) => Refusal::Used,
        None => Refusal::Expired,
    }))
}

/// `SELECT 1 FROM users WHERE users.id = password_resets.user_id AND users.email =
/// password_resets.email`, for the claim's `EXISTS`.
fn still_addressed() -> sea_orm::sea_query::SelectStatement {
    Query::select()
        .expr(Expr::val(1))
        .from(user::Entity)
        .and_where(
            Expr::col((user::Entity, user::Column::Id))
                .equals((password_reset::Entity, password_reset::Column::UserId)),
        )
        .and_where(
            Expr::col((user::Entity, user::Column::Email))
                .equals((password_reset::Entity, password_reset::Column::Email)),
        )
        .to_owned()
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
    let Some(reset) = found else {
        return Err(ClaimError::Refused(Refusal::Unknown));
    };
    // Bound to its address first, as in `claim`: a token for an address the account no
    // longer has is unknown, spent or not.
    let account = user::Entity::find_by_id(reset.user_id)
        .filter(user::Column::Email.eq(&reset.email))
        .one(db)
        .await?
        .ok_or(ClaimError::Refused(Refusal::Unknown))?;
    if reset.used_at.is_some() {
        Err(ClaimError::Refused(Refusal::Used))
    } else if reset.expires_at <= now {
        Err(ClaimError::Refused(Refusal::Expired))
    } else {
        Ok(account)
    }
}
