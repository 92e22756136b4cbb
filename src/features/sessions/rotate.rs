use chrono::{DateTime, Utc};
use sea_orm::{
    ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, TransactionTrait,
    sea_query::Expr,
};

use super::{SessionTokens, issue_refresh_token};
use crate::infra::{
    clock::earlier,
    db::entities::{refresh_token, session, user},
    security::{OneTimeToken, SessionSettings, TokenError, TokenService},
};

#[derive(Debug, thiserror::Error)]
pub(crate) enum RotateError {
    /// Unknown, replayed after the grace window (its session is now revoked), or its session
    /// has ended: alike to the caller.
    #[error("the refresh token is not valid")]
    Refused,
    /// `REQUIRE_VERIFIED_EMAIL` and the account's address is no longer confirmed.
    #[error("the account's e-mail address is not confirmed")]
    EmailNotVerified(Box<user::Model>),
    #[error(transparent)]
    Database(#[from] DbErr),
    #[error(transparent)]
    Token(#[from] TokenError),
}

/// Exchanges a refresh token for a new pair in the same session, in one transaction that
/// starts by claiming the token (`UPDATE ... WHERE used_at IS NULL`, which also takes
/// SQLite's write lock first, so concurrent refreshes queue instead of failing). A token
/// already exchanged less than `reuse_grace` ago gets a sibling pair (two tabs refreshing
/// at once); later, its replay revokes the session, the thief's copy and the victim's alike.
pub(crate) async fn rotate(
    db: &DatabaseConnection,
    tokens: &TokenService,
    settings: &SessionSettings,
    require_verified_email: bool,
    presented: &str,
    now: DateTime<Utc>,
) -> Result<SessionTokens, RotateError> {
    let hash = OneTimeToken::hash(presented);
    let txn = db.begin().await?;
    let claimed = refresh_token::Entity::update_many()
        .col_expr(refresh_token::Column::UsedAt, Expr::value(now))
        .filter(refresh_token::Column::TokenHash.eq(&hash))
        .filter(refresh_token::Column::UsedAt.is_null())
        .exec(&txn)
        .await?
        .rows_affected
        == 1;
    let found = refresh_token::Entity::find_by_id(hash.clone())
        .find_also_related(session::Entity)
        .filter(session::live(now, settings.idle_timeout))
        .one(&txn)
        .await?;
    let Some((token, Some(session))) = found else {
        return Err(RotateError::Refused);
    };
    let used_at = token.used_at.unwrap_or(now);
    if !claimed && used_at < earlier(now, settings.reuse_grace) {
        session::Entity::update_many()
            .col_expr(session::Column::RevokedAt, Expr::value(now))
            .filter(session::Column::Id.eq(session.id))
            .exec(&txn)
            .await?;
        txn.commit().await?;
        tracing::warn!(session_id = %session.id, user_id = %session.user_id,
            "a used refresh token was replayed: session revoked");
        return Err(RotateError::Refused);
    }
    if require_verified_email {
        let account = user::Entity::find_by_id(session.user_id).one(&txn).await?;
        if let Some(account) = account.filter(|a| !a.email_verified) {
            return Err(RotateError::EmailNotVerified(Box::new(account)));
        }
    }
    session::Entity::update_many()
        .col_expr(session::Column::LastUsedAt, Expr::value(now))
        .filter(session::Column::Id.eq(session.id))
        .exec(&txn)
        .await?;
    let refresh_token = issue_refresh_token(&txn, session.id, now).await?;
    txn.commit().await?;
    Ok(SessionTokens {
        access: tokens.issue(session.user_id, session.id, now)?,
        refresh_token,
    })
}
