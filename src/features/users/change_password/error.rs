use crate::http::{ApiError, problem_kinds};

problem_kinds! {
    const WRONG_PASSWORD = 403, "wrong-password", "Wrong password",
        "the current password is incorrect";
}

/// The current password did not match (or no longer matches: it changed meanwhile).
pub(super) fn wrong_password() -> ApiError {
    ApiError::new(&WRONG_PASSWORD)
}
