use crate::http::{ApiError, problem_kinds};

problem_kinds! {
    /// The address is confirmed already: there is nothing to send.
    const ALREADY_VERIFIED = 409, "email-already-verified", "E-mail address already confirmed",
        "this account's e-mail address is already confirmed";
}

pub(super) fn already_verified() -> ApiError {
    ApiError::new(&ALREADY_VERIFIED)
}
