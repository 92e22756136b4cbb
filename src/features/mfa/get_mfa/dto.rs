use chrono::{DateTime, Utc};
use poem_openapi::Object;

use crate::services::mfa::MfaStatus;

/// The account's authenticator-app factor.
#[derive(Object)]
pub(super) struct TotpStatus {
    /// Whether a confirmed TOTP guards the account (a pending enrolment does not count).
    pub enabled: bool,
    /// When it was confirmed; `null` when not enabled.
    #[oai(nullable)]
    pub confirmed_at: Option<DateTime<Utc>>,
}

/// The caller's second factors.
#[derive(Object)]
pub(super) struct Mfa {
    pub totp: TotpStatus,
    /// Unused recovery codes.
    pub recovery_codes_left: u64,
    /// Passkeys registered (`listPasskeys`): each signs in without a password, and
    /// answers a login's second step once TOTP is on.
    pub passkeys: u64,
    /// What a login's second step accepts (`totp`, `recovery_code`, `webauthn`); empty: no
    /// second step.
    pub methods: Vec<String>,
}

impl From<MfaStatus> for Mfa {
    fn from(status: MfaStatus) -> Self {
        Self {
            methods: status.methods().into_iter().map(str::to_owned).collect(),
            totp: TotpStatus {
                enabled: status.enabled(),
                confirmed_at: status.totp_confirmed_at,
            },
            recovery_codes_left: status.recovery_codes_left,
            passkeys: status.passkeys,
        }
    }
}
