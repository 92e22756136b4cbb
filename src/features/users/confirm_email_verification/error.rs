use crate::http::{TokenProblems, problem_kinds};

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

/// How a refused confirmation token reads.
pub(super) const REFUSED: TokenProblems = TokenProblems {
    unknown: &INVALID,
    used: &USED,
    expired: &EXPIRED,
    address_changed: &ADDRESS_CHANGED,
};
