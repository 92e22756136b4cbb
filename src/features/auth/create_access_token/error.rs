use crate::http::{ApiError, ProblemKind};

const INVALID_CREDENTIALS: ProblemKind = ProblemKind {
    status: 401,
    slug: "invalid-credentials",
    title: "Invalid credentials",
    detail: "incorrect login or password",
};

const EMAIL_NOT_VERIFIED: ProblemKind = ProblemKind {
    status: 403,
    slug: "email-not-verified",
    title: "E-mail address not confirmed",
    detail: "confirm your e-mail address first; a new confirmation e-mail is on its way \
             unless one was requested too often",
};

/// Why no token was issued.
pub(super) enum Refusal {
    /// Unknown login or wrong password: alike, so accounts cannot be probed.
    InvalidCredentials,
    /// The right password, but `REQUIRE_VERIFIED_EMAIL` and an unconfirmed address.
    EmailNotVerified,
}

impl From<Refusal> for ApiError {
    fn from(refusal: Refusal) -> Self {
        match refusal {
            Refusal::InvalidCredentials => {
                ApiError::new(&INVALID_CREDENTIALS).with_challenge("Bearer")
            }
            Refusal::EmailNotVerified => ApiError::new(&EMAIL_NOT_VERIFIED),
        }
    }
}
