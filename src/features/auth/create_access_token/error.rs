use crate::http::{ApiError, MfaChallenge, invalid_mfa_token, problem_kinds};

problem_kinds! {
    const INVALID_CREDENTIALS = 401, "invalid-credentials", "Invalid credentials",
        "incorrect login or password";
    const INVALID_REFRESH_TOKEN = 401, "invalid-refresh-token", "Invalid refresh token",
        "the refresh token is unknown, already used, or its session has ended; log in again";
    const ACCOUNT_DISABLED = 403, "account-disabled", "Account disabled",
        "an administrator has disabled this account";
    pub(super) const MFA_REQUIRED = 401, "mfa-required", "Second step required",
        "the password is right and the account has two-step sign-in: send `mfa_token` with \
         a code (grant_type urn:accounts-api:params:oauth:grant-type:mfa)";
    const INVALID_MFA_CODE = 401, "invalid-mfa-code", "Invalid second-factor code",
        "the code is wrong, outside its 30-second window, already used, or not one of the \
         account's unused recovery codes";
    const INVALID_PASSKEY = 401, "invalid-passkey", "Passkey refused",
        "the assertion answers no open passkey sign-in (unknown, used, expired after 5 \
         minutes, or opened for another second step), names no registered passkey, or \
         WebAuthn refused it (origin, RP ID, signature, user verification, a signature \
         counter that went back)";
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
    /// The right password for an account with a second factor: the second step's token.
    MfaRequired(MfaChallenge),
    /// The second step's token is unknown, used, expired or spent by wrong codes.
    InvalidMfaToken,
    /// A wrong code at the second step.
    InvalidMfaCode,
    /// A passkey assertion that does not sign in.
    InvalidPasskey,
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
            Refusal::MfaRequired(challenge) => {
                ApiError::mfa_required(&MFA_REQUIRED, challenge).with_challenge("Bearer")
            }
            Refusal::InvalidMfaToken => invalid_mfa_token(),
            Refusal::InvalidMfaCode => ApiError::new(&INVALID_MFA_CODE).with_challenge("Bearer"),
            Refusal::InvalidPasskey => ApiError::new(&INVALID_PASSKEY).with_challenge("Bearer"),
        }
    }
}
