//! The refusal that keeps an administrator from locking themselves out.

use crate::http::{ApiError, problem_kinds};

problem_kinds! {
    const LOCKOUT = 409, "lockout", "Lockout refused",
        "an administrator cannot lock themselves out";
}

/// 409 `lockout`; `detail` names the refused change.
pub(super) fn lockout(detail: &str) -> ApiError {
    ApiError::new(&LOCKOUT).with_detail(detail)
}
