use chrono::{DateTime, Utc};
use sea_orm::{ActiveModelTrait, DatabaseTransaction, DbErr, Set};
use uuid::Uuid;

use super::{
    SessionTokens, issue_refresh_token,
    sign_in_notice::{NewSignInSettings, note_sign_in},
};
use crate::infra::{
    clock::later,
    db::entities::{session, user, user_permission},
    security::{SessionSettings, TokenError, TokenService},
    telemetry::metrics,
};

/// Who is logging in from where, recorded on the session a login opens: the client's IP
/// (behind trusted proxies, the forwarded one) and its `User-Agent` (read from a request by
/// `http::device`).
pub(crate) struct Device {
    pub ip: Option<String>,
    pub user_agent: Option<String>,
}

/// How a login proved itself, as its `amr` says (RFC 8176), kept by every refresh.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Amr {
    /// The password alone.
    Password,
    /// The password, then a one-time code (TOTP or a recovery code).
    PasswordAndOtp,
    /// A passkey alone, with user verification: `hwk` bound to one device, `swk` synced.
    Passkey { synced: bool },
    /// The password, then a passkey.
    PasswordAndPasskey { synced: bool },
}

impl Amr {
    /// The values, space-separated as the `sessions.amr` column keeps them.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Self::Password => "pwd",
            Self::PasswordAndOtp => "pwd otp mfa",
            Self::Passkey { synced: false } => "hwk user mfa",
            Self::Passkey { synced: true } => "swk user mfa",
            Self::PasswordAndPasskey { synced: false } => "pwd hwk user mfa",
            Self::PasswordAndPasskey { synced: true } => "pwd swk user mfa",
        }
    }
}

/// A proven login: whose, from where, and how.
pub(crate) struct Login<'a> {
    pub account: &'a user::Model,
    pub device: Device,
    pub amr: Amr,
}

/// Why a session could not be opened.
#[derive(Debug, thiserror::Error)]
pub(crate) enum SessionError {
    #[error(transparent)]
    Database(#[from] DbErr),
    #[error(transparent)]
    Token(#[from] TokenError),
}

/// Opens a session for a proven `login`: the row, its first refresh token and an
/// access token naming it and carrying the account's permissions; a device new to the
/// account mails its owner (`sign_in_notice`). Call it in the login's transaction, begun with
/// `db::begin_write` (it reads before it writes): all or nothing (a session without its token
/// could never be used).
pub(crate) async fn open(
    txn: &DatabaseTransaction,
    tokens: &TokenService,
    settings: &SessionSettings,
    notice: &NewSignInSettings,
    login: Login<'_>,
    now: DateTime<Utc>,
) -> Result<SessionTokens, SessionError> {
    let Login {
        account,
        device,
        amr,
    } = login;
    let user_id = account.id;
    note_sign_in(txn, notice, account, &device, now).await?;
    let session = session::ActiveModel {
        id: Set(Uuid::now_v7()),
        user_id: Set(user_id),
        created_at: Set(now),
        last_used_at: Set(now),
        expires_at: Set(later(now, settings.ttl)),
        revoked_at: Set(None),
        user_agent: Set(device.user_agent),
        ip: Set(device.ip),
        amr: Set(amr.as_str().to_owned()),
        browser_token_hash: Set(None),
        client_id: Set(None),
        scopes: Set(None),
    }
    .insert(txn)
    .await?;
    let refresh_token = issue_refresh_token(txn, session.id, now).await?;
    let permissions = user_permission::of(txn, user_id).await?;
    let access = tokens.issue(user_id, session.claims(), &permissions, now)?;
    metrics::session_opened();
    Ok(SessionTokens {
        access,
        refresh_token,
    })
}
