use crate::http::{TokenProblems, problem_kinds};

problem_kinds! {
    const INVALID = 400, "invalid-reset-token", "Invalid reset token",
        "this password-reset token is not valid";
    const USED = 410, "reset-token-used", "Reset token already used",
        "this password-reset token was already used, or the password changed since it was \
         sent; request a new one";
    const EXPIRED = 410, "reset-token-expired", "Reset token expired",
        "this password-reset token has expired; request a new one";
}

/// How a refused reset token reads: one mailed to an address the account no longer has is
/// as invalid as an unknown one.
pub(super) const REFUSED: TokenProblems = TokenProblems {
    unknown: &INVALID,
    used: &USED,
    expired: &EXPIRED,
    address_changed: &INVALID,
};
