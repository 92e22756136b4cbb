//! Authorization codes: issued by the authorization endpoint, redeemed once at the token
//! endpoint. Only a code's SHA-256 is stored.

use std::time::Duration;

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, DatabaseTransaction, DbErr, EntityTrait,
    QueryFilter, Set, sea_query::Expr,
};
use uuid::Uuid;

use crate::{
    domain::{AuditAction, oauth::CodeChallenge},
    infra::{
        clock::later,
        db::{self, entities::oauth_authorization_code as code},
        security::OneTimeToken,
    },
    services::{
        audit::{AuditEntry, Provenance},
        sessions,
    },
};

/// How long a code may be exchanged.
const CODE_TTL: Duration = Duration::from_secs(60);

/// What a code grants and what it is bound to.
pub(crate) struct CodeGrant<'a> {
    pub client_id: Uuid,
    pub user_id: Uuid,
    /// The browser session that authorized it.
    pub session_id: Uuid,
    pub redirect_uri: &'a str,
    /// Space-separated.
    pub scopes: &'a str,
    pub nonce: Option<&'a str>,
    pub code_challenge: &'a str,
    pub auth_time: DateTime<Utc>,
}

/// Issues a code for `grant`; the code.
pub(crate) async fn issue_code(
    db: &DatabaseConnection,
    grant: &CodeGrant<'_>,
    now: DateTime<Utc>,
) -> Result<String, DbErr> {
    let token = OneTimeToken::generate();
    code::ActiveModel {
        code_hash: Set(token.hash),
        client_id: Set(grant.client_id),
        user_id: Set(grant.user_id),
        session_id: Set(grant.session_id),
        redirect_uri: Set(grant.redirect_uri.to_owned()),
        scopes: Set(grant.scopes.to_owned()),
        nonce: Set(grant.nonce.map(str::to_owned)),
        code_challenge: Set(grant.code_challenge.to_owned()),
        auth_time: Set(grant.auth_time),
        created_at: Set(now),
        expires_at: Set(later(now, CODE_TTL)),
        redeemed_at: Set(None),
        issued_session_id: Set(None),
    }
    .insert(db)
    .await?;
    Ok(token.token)
}

/// Why a code was not exchanged: each is `invalid_grant`.
#[derive(Debug, thiserror::Error)]
pub(crate) enum RedeemError {
    /// Unknown, expired, another client's, another redirect URI's, or a wrong verifier.
    #[error("{0}")]
    Invalid(&'static str),
    /// Already exchanged: what the first exchange issued is now revoked.
    #[error("the code was already used; what it issued is revoked")]
    Replayed,
    #[error(transparent)]
    Database(#[from] DbErr),
}

/// What the token request presents with a code.
pub(crate) struct Exchange<'a> {
    pub code: &'a str,
    pub client_id: Uuid,
    pub redirect_uri: Option<&'a str>,
    pub code_verifier: Option<&'a str>,
}

/// Redeems a code in a transaction handed back open, so the caller opens the session it
/// grants and records it (`record_issued`) before committing. A code already redeemed ends
/// the session its first exchange opened (RFC 6749 §4.1.2, RFC 9700 §4.2.4) and is refused.
pub(crate) async fn redeem(
    db: &DatabaseConnection,
    exchange: &Exchange<'_>,
    provenance: &Provenance,
    now: DateTime<Utc>,
) -> Result<(code::Model, DatabaseTransaction), RedeemError> {
    let hash = OneTimeToken::hash(exchange.code);
    let txn = db::begin_write(db).await?;
    let row = code::Entity::find_by_id(hash.clone())
        .one(&txn)
        .await?
        .ok_or(RedeemError::Invalid("the code is unknown"))?;
    if row.redeemed_at.is_some() {
        if let Some(issued) = row.issued_session_id {
            sessions::end(&txn, row.user_id, issued, now).await?;
        }
        AuditEntry::new(AuditAction::AuthorizationCodeReplayed)
            .on(row.user_id)
            .with("client_id", row.client_id.to_string())
            .with("session_id", row.issued_session_id.map(|id| id.to_string()))
            .record(&txn, provenance, now)
            .await?;
        txn.commit().await?;
        tracing::warn!(client_id = %row.client_id, user_id = %row.user_id,
            "an authorization code was replayed: what it issued is revoked");
        return Err(RedeemError::Replayed);
    }
    if row.client_id != exchange.client_id {
        return Err(RedeemError::Invalid(
            "the code was issued to another client",
        ));
    }
    if row.expires_at <= now {
        return Err(RedeemError::Invalid("the code has expired"));
    }
    if exchange.redirect_uri != Some(row.redirect_uri.as_str()) {
        return Err(RedeemError::Invalid(
            "redirect_uri differs from the authorization request's",
        ));
    }
    let challenge = CodeChallenge::stored(row.code_challenge.clone());
    if !exchange.code_verifier.is_some_and(|v| challenge.verify(v)) {
        return Err(RedeemError::Invalid(
            "code_verifier does not match the code_challenge",
        ));
    }
    let claimed = code::Entity::update_many()
        .col_expr(code::Column::RedeemedAt, Expr::value(now))
        .filter(code::Column::CodeHash.eq(&hash))
        .filter(code::Column::RedeemedAt.is_null())
        .exec(&txn)
        .await?
        .rows_affected
        == 1;
    if !claimed {
        return Err(RedeemError::Replayed);
    }
    Ok((row, txn))
}

/// Records the session a code's exchange opened, so that a replay can end it.
pub(crate) async fn record_issued(
    txn: &DatabaseTransaction,
    code_hash: &str,
    session_id: Uuid,
) -> Result<(), DbErr> {
    code::Entity::update_many()
        .col_expr(code::Column::IssuedSessionId, Expr::value(session_id))
        .filter(code::Column::CodeHash.eq(code_hash))
        .exec(txn)
        .await
        .map(drop)
}
