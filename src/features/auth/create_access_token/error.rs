use crate::http::{ApiError, problem_kinds};

problem_kinds! {
    const INVALID_CREDENTIALS = 401, "invalid-credentials", "Invalid credentials",
        "incorrect login or password";
    const INVALID_REFRESH_TOKEN = 401, "invalid-refresh-token", "Invalid refresh token",
        "the refresh token is unknown, already used, or its session has ended; log in again";
    const ACCOUNT_DISABLED = 403, "account-disabled", "Account disabled",
        "an administrator has disabled this account";
    const EMAIL_NOT_VERIFIED = 403, "email-not-verified", "E-mail address not confirmed",
        "confirm your e-mail address first; a new confirmation e-mail is on its way \
         unless one was requested too often";
}

/// Why no token was issued.
pub(super) enum Refusal {
    /// Unknown login or wrong password: alike, so accounts cannot be probed.
    InvalidCredentials,
    /// Unknown, replayed, or its session ended: alike, so the cases cannot be told apart.
    InvalidRefreshToken,
    /// The right password (or a valid refresh token), but `REQUIRE_VERIFIED_EMAIL` and an unconfirmed address.
    EmailNotVerified,
    /// The right password, but an administrator disabled the account.
    AccountDisabled,
}

impl From<Refusal> for ApiError {
    fn from(refusal: Refusal) -> Self {
        match refusal {
            Refusal::InvalidCredentials => {
                ApiError::new(&INVALID_CREDENTIALS).with_challenge("Bearer")
            }
            Refusal::InvalidRefreshToken => {
                ApiError::new(&INVALID_REFRESH_TOKEN).with_challenge("Bearer")
            }
            Refusal::EmailNotVerified => ApiError::new(&EMAIL_NOT_VERIFIED),
            Refusal::AccountDisabled => ApiError::new(&ACCOUNT_DISABLED),
        }
    }
}
