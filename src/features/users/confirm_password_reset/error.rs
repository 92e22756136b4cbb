use crate::{
    features::password_reset::{ClaimError, Refusal},
    http::{ApiError, problem_kinds},
};

problem_kinds! {
    const INVALID = 400, "invalid-reset-token", "Invalid reset token",
        "this password-reset token is not valid";
    const USED = 410, "reset-token-used", "Reset token already used",
        "this password-reset token was already used, or the password changed since it was \
         sent; request a new one";
    const EXPIRED = 410, "reset-token-expired", "Reset token expired",
        "this password-reset token has expired; request a new one";
}

impl From<Refusal> for ApiError {
    fn from(refusal: Refusal) -> Self {
        ApiError::new(match refusal {
            Refusal::Unknown => &INVALID,
            Refusal::Used => &USED,
            Refusal::Expired => &EXPIRED,
        })
    }
}

impl From<ClaimError> for ApiError {
    fn from(err: ClaimError) -> Self {
        match err {
            ClaimError::Refused(refusal) => refusal.into(),
            ClaimError::Database(err) => err.into(),
        }
    }
}
