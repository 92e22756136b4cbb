use chrono::{DateTime, Utc};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, FromQueryResult,
    QueryFilter, QuerySelect, sea_query::Expr,
};

use super::{
    SessionTokens,
    browser::permissions_of,
    end,
    rotate_unused::{Rotated, rotate_unused, touch},
    store_refresh_token,
};
use crate::{
    domain::AuditAction,
    infra::{
        clock::earlier,
        db::{
            self, SingleStatementDb,
            entities::{refresh_token, session, user},
        },
        security::{OneTimeToken, SessionSettings, TokenError, TokenService},
        telemetry::metrics,
    },
    services::audit::{AuditEntry, Provenance},
};

/// What a refresh runs on and signs with.
pub(crate) struct Rotation<'a> {
    pub db: &'a DatabaseConnection,
    /// Where the usual refresh runs as one statement (PostgreSQL only).
    pub single_statement_db: &'a SingleStatementDb,
    pub tokens: &'a TokenService,
    pub settings: &'a SessionSettings,
    /// `REQUIRE_VERIFIED_EMAIL`.
    pub require_verified_email: bool,
}

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

/// Exchanges a refresh token for a new pair in the same session, in one transaction. It
/// first locks the token's session if it is live, marking it used (on PostgreSQL the row,
/// re-checked after any wait, so a logout committed meanwhile wins; on SQLite the whole
/// database, taken at `BEGIN` so concurrent refreshes queue instead of failing), then claims
/// the token: the order in which a cascading delete (the account's, the pruner's) takes
/// them, so the two cannot deadlock. The new refresh token is derived from the one presented
/// (`TokenService::successor_of`), so a token already exchanged less than `reuse_grace` ago
/// (two tabs refreshing at once) gets the same successor again, with a fresh access token:
/// one chain per session, never a parallel one that reuse detection cannot see. Later, its
/// replay revokes the session, the thief's copy and the victim's alike. Any other refusal
/// writes nothing. On PostgreSQL the usual case (a live session, an unused token) runs first
/// as one statement (`rotate_unused`), and only what it leaves takes this transaction.
pub(crate) async fn rotate(
    with: &Rotation<'_>,
    presented: &str,
    provenance: &Provenance,
    now: DateTime<Utc>,
) -> Result<SessionTokens, RotateError> {
    let (db, tokens, settings) = (with.db, with.tokens, with.settings);
    let hash = OneTimeToken::hash(presented);
    let successor = tokens.successor_of(presented);
    if let Some(Rotated {
        session,
        permissions,
    }) = rotate_unused(
        with.single_statement_db,
        settings,
        with.require_verified_email,
        (&hash, &successor.hash),
        now,
    )
    .await?
    {
        // Signing cannot fail with a key that loaded; if it did, the token is spent, and
        // the grace window lets the client present it again for the same successor.
        let access = tokens.issue(session.user_id, session.claims(), &permissions, now)?;
        metrics::session_refreshed();
        return Ok(SessionTokens {
            access,
            refresh_token: successor.token,
        });
    }
    let txn = db::begin_write(db).await?;
    // The UPDATE takes the row lock a `SELECT ... FOR NO KEY UPDATE` would, re-checks its
    // conditions after any wait the same way, and saves a round trip; a refusal below rolls
    // it back. The address is checked after it, so that refusal can say why.
    let locked = touch(settings, false, &hash, now);
    let row = txn
        .query_one_raw(txn.get_database_backend().build(&locked))
        .await?
        .ok_or(RotateError::Refused)?;
    let session = session::Model::from_query_result(&row, "")?;
    let claimed = refresh_token::Entity::update_many()
        .col_expr(refresh_token::Column::UsedAt, Expr::value(now))
        .filter(refresh_token::Column::TokenHash.eq(&hash))
        .filter(refresh_token::Column::UsedAt.is_null())
        .exec(&txn)
        .await?
        .rows_affected
        == 1;
    if !claimed {
        let used_at = refresh_token::Entity::find_by_id(hash)
            .select_only()
            .column(refresh_token::Column::UsedAt)
            .into_tuple::<Option<DateTime<Utc>>>()
            .one(&txn)
            .await?
            .flatten()
            .ok_or(RotateError::Refused)?;
        if used_at < earlier(now, settings.reuse_grace) {
            end(&txn, session.user_id, session.id, now).await?;
            AuditEntry::new(AuditAction::RefreshReuseDetected)
                .on(session.user_id)
                .with("session_id", session.id.to_string())
                .record(&txn, provenance, now)
                .await?;
            txn.commit().await?;
            metrics::session_reuse_detected();
            tracing::warn!(session_id = %session.id, user_id = %session.user_id,
                "a used refresh token was replayed: session revoked");
            return Err(RotateError::Refused);
        }
        // Inside the grace: the successor the first redemption stored, or nothing (it was
        // derived with a key since replaced): never a chain of its own.
        let stored = refresh_token::Entity::find_by_id(successor.hash.clone())
            .filter(refresh_token::Column::SessionId.eq(session.id))
            .one(&txn)
            .await?;
        if stored.is_none() {
            return Err(RotateError::Refused);
        }
    }
    if with.require_verified_email {
        let account = user::Entity::find_by_id(session.user_id).one(&txn).await?;
        if let Some(account) = account.filter(|a| !a.email_verified) {
            return Err(RotateError::EmailNotVerified(Box::new(account)));
        }
    }
    if claimed {
        store_refresh_token(&txn, session.id, &successor.hash, now).await?;
    }
    let permissions = permissions_of(&txn, &session).await?;
    let access = tokens.issue(session.user_id, session.claims(), &permissions, now)?;
    txn.commit().await?;
    metrics::session_refreshed();
    Ok(SessionTokens {
        access,
        refresh_token: successor.token,
    })
}
