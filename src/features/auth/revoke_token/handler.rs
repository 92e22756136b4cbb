use sea_orm::DatabaseConnection;

use super::command::{RevokeToken, TokenKind};
use crate::{
    features::sessions,
    http::ApiError,
    infra::{clock::Clock, security::TokenService},
};

/// Ends the session `command.token` belongs to: a refresh token's (used or not), or a valid
/// access token's (its `sid`). Each kind is tried in turn, the hinted one first. A token
/// that is neither (unknown, expired, forged, already revoked) changes nothing and is no
/// error: RFC 7009 answers it like a success, so the endpoint tells nobody what it knows.
pub(super) async fn revoke_token(
    db: &DatabaseConnection,
    clock: &Clock,
    tokens: &TokenService,
    command: RevokeToken,
) -> Result<(), ApiError> {
    let now = clock.now();
    for kind in command.kinds() {
        let ended = match kind {
            TokenKind::Refresh => sessions::end_by_refresh_token(db, &command.token, now).await?,
            TokenKind::Access => match tokens.verify(&command.token, now) {
                Ok(claims) => sessions::end(db, claims.sub, claims.sid, now).await?,
                Err(_) => false,
            },
        };
        if ended {
            break;
        }
    }
    Ok(())
}
