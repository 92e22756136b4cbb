//! Domain events: what happened to an account, as published to the events topic.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// The message on the wire (topic `email_notifications`), versioned. `id` is the
/// idempotency key: consumers must ignore an id they have already handled.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct EventEnvelope {
    pub version: u32,
    pub id: Uuid,
    #[serde(rename = "type")]
    pub kind: EventType,
    pub occurred_at: DateTime<Utc>,
    pub data: UserEventData,
}

/// The event's name on the wire; strum owns the spelling, serde goes through it.
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    Serialize,
    Deserialize,
    strum::IntoStaticStr,
    strum::EnumString,
    strum::EnumIter,
)]
#[serde(into = "&'static str", try_from = "String")]
pub enum EventType {
    #[strum(serialize = "user.created")]
    UserCreated,
    #[strum(serialize = "user.updated")]
    UserUpdated,
    #[strum(serialize = "user.deleted")]
    UserDeleted,
    /// The account's address needs confirming (sign-up, e-mail change, resend): the mailer
    /// mints a single-use token and sends it.
    #[strum(serialize = "user.email_verification_requested")]
    EmailVerificationRequested,
    /// The account's address changed: the old address (`email`) is told, with the new one
    /// (`new_email`) partly masked.
    #[strum(serialize = "user.email_changed")]
    EmailChanged,
    /// The account's password was changed or reset: the owner is told.
    #[strum(serialize = "user.password_changed")]
    PasswordChanged,
    /// Someone asked to reset the account's password: the mailer mints a single-use reset
    /// token and sends it to the address in the event.
    #[strum(serialize = "user.password_reset_requested")]
    PasswordResetRequested,
    /// The account signed in from a device not seen within `NEW_SIGNIN_LOOKBACK`: the owner
    /// is told when, from what and where (`sign_in`).
    #[strum(serialize = "user.new_sign_in")]
    NewSignIn,
    /// The owner turned on a second factor (TOTP).
    #[strum(serialize = "user.mfa_enabled")]
    MfaEnabled,
    /// The owner turned off their second factor.
    #[strum(serialize = "user.mfa_disabled")]
    MfaDisabled,
    /// An administrator removed every second factor of the account.
    #[strum(serialize = "user.mfa_reset")]
    MfaReset,
    /// A recovery code was spent; `recovery_codes_left` says how many remain.
    #[strum(serialize = "user.recovery_code_used")]
    RecoveryCodeUsed,
    /// The owner registered a passkey (`passkey_name`).
    #[strum(serialize = "user.passkey_added")]
    PasskeyAdded,
    /// The owner removed a passkey (`passkey_name`).
    #[strum(serialize = "user.passkey_removed")]
    PasskeyRemoved,
    /// A passkey sign-in was refused because the signature counter went back: the
    /// authenticator (`passkey_name`) may have been cloned.
    #[strum(serialize = "user.passkey_sign_in_refused")]
    PasskeySignInRefused,
}

/// What the e-mail needs to know about the account.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct UserEventData {
    pub user_id: Uuid,
    pub username: String,
    pub email: String,
    /// `user.email_changed` only: the address that replaced `email`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub new_email: Option<String>,
    /// `user.new_sign_in` only: the sign-in the owner is told of.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sign_in: Option<SignInNotice>,
    /// `user.recovery_code_used` only: the unused recovery codes left.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recovery_codes_left: Option<u32>,
    /// `user.passkey_*` only: the passkey's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub passkey_name: Option<String>,
    /// The account's language (BCP 47), when set: the e-mail's language.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub locale: Option<String>,
}

/// A sign-in as its notice tells it (the time is the event's).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct SignInNotice {
    /// In words: `Firefox on Linux`.
    pub device: String,
    /// The client IP, when known.
    pub ip: Option<String>,
    /// The page listing the account's sessions (`NEW_SIGNIN_SESSIONS_URL`), when configured.
    pub sessions_url: Option<String>,
}

impl EventEnvelope {
    pub(crate) const VERSION: u32 = 1;

    /// A new event about an account, with a fresh id.
    pub(crate) fn new(kind: EventType, data: UserEventData, occurred_at: DateTime<Utc>) -> Self {
        Self {
            version: Self::VERSION,
            id: Uuid::now_v7(),
            kind,
            occurred_at,
            data,
        }
    }

    /// Parses a payload; refuses versions this code does not know.
    pub(crate) fn parse(payload: &[u8]) -> Result<Self, String> {
        let envelope: Self =
            serde_json::from_slice(payload).map_err(|e| format!("not an event envelope: {e}"))?;
        if envelope.version != Self::VERSION {
            return Err(format!("unsupported envelope version {}", envelope.version));
        }
        Ok(envelope)
    }
}

impl EventType {
    pub(crate) fn as_str(self) -> &'static str {
        self.into()
    }
}

impl TryFrom<String> for EventType {
    type Error = strum::ParseError;

    fn try_from(name: String) -> Result<Self, Self::Error> {
        name.parse()
    }
}

#[cfg(test)]
mod tests {
    use super::EventType;

    #[test]
    fn names_round_trip_through_serde() {
        let json = serde_json::to_string(&EventType::EmailVerificationRequested).unwrap();
        assert_eq!(json, r#""user.email_verification_requested""#);
        assert_eq!(
            serde_json::from_str::<EventType>(&json).unwrap(),
            EventType::EmailVerificationRequested
        );
        assert!(serde_json::from_str::<EventType>(r#""user.nope""#).is_err());
        for (kind, name) in [
            (EventType::PasswordChanged, "user.password_changed"),
            (
                EventType::PasswordResetRequested,
                "user.password_reset_requested",
            ),
        ] {
            assert_eq!(kind.as_str(), name);
            assert_eq!(name.parse::<EventType>().unwrap(), kind);
        }
    }
}
