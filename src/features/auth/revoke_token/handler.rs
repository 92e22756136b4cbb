use sea_orm::DatabaseConnection;

use super::command::{RevokeToken, TokenKind};
use crate::{
    domain::AuditAction,
    http::ApiError,
    infra::{clock::Clock, db, security::TokenService},
    services::{
        audit::{AuditEntry, Provenance},
        sessions,
    },
};

/// Ends the session `command.token` belongs to: a refresh token's (used or not), or a valid
/// access token's (its `sid`). Each kind is tried in turn, the hinted one first. A token
/// that is neither (unknown, expired, forged, already revoked) changes nothing and is no
/// error: RFC 7009 answers it like a success, so the endpoint tells nobody what it knows.
/// An ended session is audited as revoked by its owner (whoever holds a token acts as it).
pub(super) async fn revoke_token(
    db: &DatabaseConnection,
    clock: &Clock,
    tokens: &TokenService,
    provenance: &Provenance,
    command: RevokeToken,
) -> Result<(), ApiError> {
    let now = clock.now();
    let txn = db::begin_write(db).await?;
    for kind in command.kinds() {
        let owner = match kind {
            TokenKind::Refresh => sessions::end_by_refresh_token(&txn, &command.token, now).await?,
            TokenKind::Access => match tokens.verify(&command.token, now) {
                Ok(claims) => sessions::end(&txn, claims.sub, claims.sid, now)
                    .await?
                    .then_some(claims.sub),
                Err(_) => None,
            },
        };
        if let Some(owner) = owner {
            AuditEntry::new(AuditAction::SessionRevoked)
                .by_self(owner)
                .with("via", "token_revocation")
                .record(&txn, provenance, now)
                .await?;
            break;
        }
    }
    txn.commit().await?;
    Ok(())
}
