//! How the shared services' errors read over HTTP: their refusals that several slices share
//! (a wrong current password, a change that would lock administrators out, a refused single-use
//! token) and their failures, converted once here; a slice's own refusals stay in its folder.

use super::{ApiError, ProblemKind, problem_kinds};
use crate::services::{
    credentials::ConfirmError,
    email_confirmation::ResendError,
    password_policy::PolicyError,
    sessions::SessionError,
    single_use_token::{ClaimError, Refusal},
};

problem_kinds! {
    const WRONG_PASSWORD = 403, "wrong-password", "Wrong password",
        "the current password is incorrect";
    const LOCKOUT = 409, "lockout", "Would lock administrators out",
        "an administrator cannot lock themselves or everyone out";
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
