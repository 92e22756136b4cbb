//! How the shared services' errors read over HTTP: their refusals that several slices share
//! (a wrong current password, a change that would lock administrators out, a refused single-use
//! token) and their failures, converted once here; a slice's own refusals stay in its folder.

use std::time::Duration;

use super::{ApiError, ProblemKind, problem_kinds};
use crate::domain::FieldError;
use crate::services::{
    credentials::ConfirmError,
    email_confirmation::ResendError,
    mfa::MfaError,
    passkeys::PasskeyError,
    password_policy::PolicyError,
    sessions::SessionError,
    single_use_token::{ClaimError, Refusal},
};

problem_kinds! {
    const WRONG_PASSWORD = 403, "wrong-password", "Wrong password",
        "the current password is incorrect";
    const LOCKOUT = 409, "lockout", "Would lock administrators out",
        "an administrator cannot lock themselves or everyone out";
    const MFA_CODE_REQUIRED = 403, "mfa-code-required", "Second-factor code required",
        "this account has two-step sign-in: send `code`, from the authenticator app or a \
         recovery code, with the password";
    const WRONG_MFA_CODE = 403, "wrong-mfa-code", "Wrong second-factor code",
        "the code is wrong, outside its 30-second window, already used, or not one of the \
         account's unused recovery codes";
    const TOTP_ALREADY_ENABLED = 409, "totp-already-enabled", "TOTP already enabled",
        "this account already has TOTP: remove it first to enrol another authenticator";
    const TOTP_NOT_ENABLED = 409, "totp-not-enabled", "TOTP not enabled",
        "this account has no TOTP: enrol one first (POST /api/v1/mfa/totp)";
    const NO_TOTP_ENROLMENT = 409, "no-totp-enrolment", "No TOTP enrolment pending",
        "start an enrolment first (POST /api/v1/mfa/totp); it lasts 15 minutes";
    const INVALID_MFA_TOKEN = 401, "invalid-mfa-token", "Invalid second-step token",
        "the mfa_token is unknown, already used, expired (5 minutes) or spent by 5 wrong \
         codes; log in again";
    const PASSKEYS_NOT_CONFIGURED = 503, "passkeys-not-configured", "Passkeys not configured",
        "this service has no WEBAUTHN_ORIGINS: passkeys are off";
    const PASSKEY_ALREADY_REGISTERED = 409, "passkey-already-registered",
        "Passkey already registered", "this authenticator's passkey is already registered";
    const NO_PASSKEYS = 409, "no-passkeys", "No passkeys",
        "the account has no passkey: answer the second step with a code";
}

/// 409 `lockout`; `detail` names the refused change.
pub(crate) fn lockout(detail: &str) -> ApiError {
    ApiError::new(&LOCKOUT).with_detail(detail)
}

/// 409 `lockout`: the account is the last enabled one holding `users:write`.
pub(crate) fn last_writer() -> ApiError {
    lockout(
        "this is the last enabled account holding users:write; grant it to another account first",
    )
}

/// 401 `invalid-mfa-token`: the second step's token is unknown, used, expired or spent.
pub(crate) fn invalid_mfa_token() -> ApiError {
    ApiError::new(&INVALID_MFA_TOKEN).with_challenge("Bearer")
}

/// The problem each refusal of a single-use token reads as, for one kind of token.
pub(crate) struct TokenProblems {
    pub unknown: &'static ProblemKind,
    pub used: &'static ProblemKind,
    pub expired: &'static ProblemKind,
    pub address_changed: &'static ProblemKind,
}

impl TokenProblems {
    /// The refusal as its problem; a database failure as any other.
    pub(crate) fn of(&self, err: ClaimError) -> ApiError {
        match err {
            ClaimError::Refused(refusal) => self.refused(refusal),
            ClaimError::Database(err) => err.into(),
        }
    }

    pub(crate) fn refused(&self, refusal: Refusal) -> ApiError {
        ApiError::new(match refusal {
            Refusal::Unknown => self.unknown,
            Refusal::Used => self.used,
            Refusal::Expired => self.expired,
            Refusal::AddressChanged => self.address_changed,
        })
    }
}

impl From<ConfirmError> for ApiError {
    fn from(err: ConfirmError) -> Self {
        match err {
            ConfirmError::WrongPassword => Self::new(&WRONG_PASSWORD),
            ConfirmError::CodeRequired => Self::new(&MFA_CODE_REQUIRED),
            ConfirmError::WrongCode => Self::new(&WRONG_MFA_CODE),
            ConfirmError::Seal(err) => Self::internal(&err),
            ConfirmError::Charge(err) => err.into(),
            ConfirmError::Hash(err) => err.into(),
            ConfirmError::Database(err) => err.into(),
        }
    }
}

impl From<PolicyError> for ApiError {
    fn from(err: PolicyError) -> Self {
        match err {
            PolicyError::Refused(field) => Self::validation(vec![field]),
            PolicyError::Unfinished(err) => Self::internal(&err),
        }
    }
}

impl From<ResendError> for ApiError {
    fn from(err: ResendError) -> Self {
        match err {
            ResendError::Limits(err) => err.into(),
            ResendError::Database(err) => err.into(),
        }
    }
}

impl From<SessionError> for ApiError {
    fn from(err: SessionError) -> Self {
        match err {
            SessionError::Database(err) => err.into(),
            SessionError::Token(err) => err.into(),
        }
    }
}

impl From<MfaError> for ApiError {
    fn from(err: MfaError) -> Self {
        match err {
            MfaError::WrongCode => Self::new(&WRONG_MFA_CODE),
            MfaError::AlreadyEnabled => Self::new(&TOTP_ALREADY_ENABLED),
            MfaError::NotEnabled => Self::new(&TOTP_NOT_ENABLED),
            MfaError::NoPendingEnrolment => Self::new(&NO_TOTP_ENROLMENT),
            MfaError::Seal(err) => Self::internal(&err),
            MfaError::Database(err) => err.into(),
        }
    }
}

/// A registration's `credential` that registers nothing reads as a 422 naming the field.
impl From<PasskeyError> for ApiError {
    fn from(err: PasskeyError) -> Self {
        let credential =
            |message: String| Self::validation(vec![FieldError::new("credential", message)]);
        match err {
            // Only a redeployment with WEBAUTHN_ORIGINS changes it.
            PasskeyError::NotConfigured => {
                Self::new(&PASSKEYS_NOT_CONFIGURED).with_retry_after(Duration::from_secs(3600))
            }
            PasskeyError::Malformed(detail) => {
                credential(format!("is not a WebAuthn registration response: {detail}"))
            }
            PasskeyError::NoCeremony
            | PasskeyError::UnknownPasskey
            | PasskeyError::CounterRegressed { .. } => credential(
                "answers no open registration of this account (unknown, used, or older than \
                 5 minutes)"
                    .into(),
            ),
            PasskeyError::Refused(err) => credential(format!("was refused by WebAuthn: {err}")),
            PasskeyError::AlreadyRegistered => Self::new(&PASSKEY_ALREADY_REGISTERED),
            PasskeyError::NoPasskeys => Self::new(&NO_PASSKEYS),
            PasskeyError::State(detail) => Self::internal(&detail),
            PasskeyError::Database(err) => err.into(),
        }
    }
}
