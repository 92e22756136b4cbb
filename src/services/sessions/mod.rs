//! Sessions: one login on one device, kept alive by rotating refresh tokens. The lifecycle
//! lives here in one place (`open` at login, `rotate` on refresh, `end` on logout, password
//! change or reset, `prune` in the background); the `sessions` and `refresh_tokens` tables
//! are written only here, and read only here: by the bearer check (`caller`) and by
//! `live_sessions` (the caller's list, an administrator's). Liveness is one predicate,
//! `session::live`, which all of them use.

mod browser;
mod caller;
mod end;
mod live;
mod open;
mod prune;
mod rotate;
mod rotate_unused;
mod sign_in_notice;

use chrono::{DateTime, Utc};
use sea_orm::{ActiveModelTrait, ConnectionTrait, DbErr, Set};
use uuid::Uuid;

pub(crate) use browser::{
    BrowserSession, ClientGrant, client_grant_of, client_grant_of_refresh_token, find_browser,
    live_browser_amr, narrowed, open_browser, open_for_client,
};
pub(crate) use caller::caller;
pub(crate) use end::{
    Ending, OwnerEnding, end, end_all, end_by_owner, end_by_refresh_token, end_of_client,
};
pub(crate) use live::{count_live_sessions, live_sessions};
pub(crate) use open::{Amr, Device, Login, SessionError, open};
pub(crate) use prune::{Retention, run_pruner};
pub(crate) use rotate::{RotateError, Rotation, rotate};
pub use sign_in_notice::NewSignInSettings;

use crate::infra::{
    db::entities::refresh_token,
    security::{AccessToken, OneTimeToken},
};

/// What a login or a refresh hands out.
pub(crate) struct SessionTokens {
    pub access: AccessToken,
    /// Opaque and single-use; only its hash is stored.
    pub refresh_token: String,
}

/// Mints a session's first refresh token and stores its hash.
async fn issue_refresh_token(
    db: &impl ConnectionTrait,
    session_id: Uuid,
    now: DateTime<Utc>,
) -> Result<String, DbErr> {
    let token = OneTimeToken::generate();
    store_refresh_token(db, session_id, &token.hash, now).await?;
    Ok(token.token)
}

/// Stores a refresh token of `session_id` by its hash, unused.
async fn store_refresh_token(
    db: &impl ConnectionTrait,
    session_id: Uuid,
    hash: &str,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    refresh_token::ActiveModel {
        token_hash: Set(hash.to_owned()),
        session_id: Set(session_id),
        issued_at: Set(now),
        used_at: Set(None),
    }
    .insert(db)
    .await
    .map(drop)
}
