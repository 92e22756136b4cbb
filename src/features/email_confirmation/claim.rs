use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, DatabaseTransaction, DbErr, EntityTrait, QueryFilter, sea_query::Expr};

use crate::infra::{
    db::entities::{email_verification, user},
    security::OneTimeToken,
};

/// Why a confirmation token was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum TokenRefusal {
    /// No such token (mistyped, forged, or its account is gone).
    Unknown,
    Used,
    Expired,
    /// The account's address is no longer the one the token was sent to.
    AddressChanged,
}

#[derive(Debug, thiserror::Error)]
pub(crate) enum ClaimError {
    #[error("confirmation token refused: {0:?}")]
    Refused(TokenRefusal),
    #[error(transparent)]
    Database(#[from] DbErr),
}

/// Spends the token and marks its address confirmed, in the caller's transaction (a
/// refusal must drop it, rolling the claim back). The token is claimed with
/// `UPDATE ... WHERE used_at IS NULL`, so of two concurrent uses one wins; it confirms the
/// account only while the account still has the address it was sent to.
pub(crate) async fn claim(
    txn: &DatabaseTransaction,
    token: &str,
    now: DateTime<Utc>,
) -> Result<user::Model, ClaimError> {
    let refused = |why| Err(ClaimError::Refused(why));
    let Some(token) = email_verification::Entity::find()
        .filter(email_verification::Column::TokenHash.eq(OneTimeToken::hash(token)))
        .one(txn)
        .await?
    else {
        return refused(TokenRefusal::Unknown);
    };
    if token.used_at.is_some() {
        return refused(TokenRefusal::Used);
    }
    if token.expires_at <= now {
        return refused(TokenRefusal::Expired);
    }
    let claimed = email_verification::Entity::update_many()
        .col_expr(email_verification::Column::UsedAt, Expr::value(now))
        .filter(email_verification::Column::Id.eq(token.id))
        .filter(email_verification::Column::UsedAt.is_null())
        .exec(txn)
        .await?;
    if claimed.rows_affected == 0 {
        return refused(TokenRefusal::Used);
    }
    let confirmed = user::Entity::update_many()
        .col_expr(user::Column::EmailVerified, Expr::value(true))
        .col_expr(user::Column::UpdatedAt, Expr::value(now))
        .filter(user::Column::Id.eq(token.user_id))
        .filter(user::Column::Email.eq(&token.email))
        .exec_with_returning(txn)
        .await?;
    match confirmed.into_iter().next() {
        Some(user) => Ok(user),
        None => refused(TokenRefusal::AddressChanged),
    }
}
