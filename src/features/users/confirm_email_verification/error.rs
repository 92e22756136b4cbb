use crate::{
    features::email_confirmation::{ClaimError, TokenRefusal},
    http::{ApiError, problem_kinds},
};

problem_kinds! {
    const INVALID = 400, "verification-token-invalid", "Invalid confirmation token",
        "this confirmation token is not valid";
    const USED = 410, "verification-token-used", "Confirmation token already used",
        "this confirmation token was already used";
    const EXPIRED = 410, "verification-token-expired", "Confirmation token expired",
        "this confirmation token has expired; request a new one";
    const ADDRESS_CHANGED = 410, "verification-token-address-changed",
        "E-mail address changed since the token was sent",
        "the account's e-mail address changed since this token was sent; \
         use the token sent to the new address";
}

impl From<TokenRefusal> for ApiError {
    fn from(refusal: TokenRefusal) -> Self {
        ApiError::new(match refusal {
            TokenRefusal::Unknown => &INVALID,
            TokenRefusal::Used => &USED,
            TokenRefusal::Expired => &EXPIRED,
            TokenRefusal::AddressChanged => &ADDRESS_CHANGED,
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
