//! Passkeys (WebAuthn, on webauthn-rs): registration, sign-in without a username, and the
//! second step of a password login. The `passkeys` and `webauthn_ceremonies` tables are
//! written only here. Every ceremony requires user verification (webauthn-rs's passkey
//! policy), so a passkey sign-in is two factors by itself.

mod ceremony;
mod registration;
mod regression;
mod relying_party;
mod settings;
mod sign_in;
mod store;

use uuid::Uuid;
use webauthn_rs::prelude::WebauthnError;

pub(crate) use ceremony::forget_expired as forget_expired_ceremonies;
pub(crate) use registration::{finish_registration, start_registration};
pub(crate) use regression::report_counter_regression;
pub(crate) use relying_party::Passkeys;
pub use settings::{AndroidApp, PasskeySettings};
pub(crate) use sign_in::{
    finish_second_factor, finish_sign_in, start_second_factor, start_sign_in,
};
pub(crate) use store::{
    count, delete_owned, find_owned, remove_all as remove_all_passkeys, rename, synced,
};

/// Why a passkey operation was refused or failed.
#[derive(Debug, thiserror::Error)]
pub(crate) enum PasskeyError {
    /// Production without `WEBAUTHN_ORIGINS`.
    #[error("passkeys are not configured on this service")]
    NotConfigured,
    /// The credential or assertion is not WebAuthn's JSON.
    #[error("{0}")]
    Malformed(String),
    /// No live ceremony of that kind signed that challenge: unknown, expired, used, or
    /// another account's.
    #[error("no passkey ceremony is open for this challenge")]
    NoCeremony,
    /// webauthn-rs refused it: wrong origin or RP ID, bad signature, no user verification...
    #[error("the passkey was refused: {0}")]
    Refused(WebauthnError),
    /// The assertion names a passkey no account has (any more).
    #[error("unknown passkey")]
    UnknownPasskey,
    /// The credential is already registered (to this account or another).
    #[error("this passkey is already registered")]
    AlreadyRegistered,
    /// The account has no passkey to answer a second step with.
    #[error("the account has no passkey")]
    NoPasskeys,
    /// A valid signature whose counter did not go up: a cloned authenticator, maybe.
    #[error("the passkey's signature counter went back")]
    CounterRegressed { user_id: Uuid, passkey_id: Uuid },
    /// A stored ceremony or passkey that no longer reads (a bug, or an upgrade's).
    #[error("stored passkey state is unreadable: {0}")]
    State(String),
    #[error(transparent)]
    Database(#[from] sea_orm::DbErr),
}

impl PasskeyError {
    fn state(err: serde_json::Error) -> Self {
        Self::State(err.to_string())
    }
}

impl From<WebauthnError> for PasskeyError {
    fn from(err: WebauthnError) -> Self {
        Self::Refused(err)
    }
}
