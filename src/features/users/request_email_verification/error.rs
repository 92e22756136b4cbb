use crate::http::{ApiError, ProblemKind};

/// The address is confirmed already: there is nothing to send.
pub(super) const ALREADY_VERIFIED: ProblemKind = ProblemKind {
    status: 409,
    slug: "email-already-verified",
    title: "E-mail address already confirmed",
    detail: "this account's e-mail address is already confirmed",
};

pub(super) fn already_verified() -> ApiError {
    ApiError::new(&ALREADY_VERIFIED)
}
