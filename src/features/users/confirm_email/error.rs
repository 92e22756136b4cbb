use crate::{
    features::email_confirmation::{ClaimError, TokenRefusal},
    http::{ApiError, ProblemKind},
};

const INVALID: ProblemKind = ProblemKind {
    status: 400,
    slug: "verification-token-invalid",
    title: "Invalid confirmation token",
    detail: "this confirmation token is not valid",
};

const USED: ProblemKind = ProblemKind {
    status: 410,
    slug: "verification-token-used",
    title: "Confirmation token already used",
    detail: "this confirmation token was already used",
};

const EXPIRED: ProblemKind = ProblemKind {
    status: 410,
    slug: "verification-token-expired",
    title: "Confirmation token expired",
    detail: "this confirmation token has expired; request a new one",
};

const ADDRESS_CHANGED: ProblemKind = ProblemKind {
    status: 410,
    slug: "verification-token-address-changed",
    title: "E-mail address changed since the token was sent",
    detail: "the account's e-mail address changed since this token was sent; \
             use the token sent to the new address",
};

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
