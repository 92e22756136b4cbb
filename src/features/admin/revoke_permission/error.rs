use crate::http::{ApiError, problem_kinds};

problem_kinds! {
    const LOCKOUT = 409, "lockout", "Would lock administrators out",
        "revoking this permission would leave no enabled account able to grant it";
}

/// The caller tried to revoke its own `users:write`.
pub(super) fn own_write_permission() -> ApiError {
    ApiError::new(&LOCKOUT)
        .with_detail("you cannot revoke your own users:write permission; another administrator can")
}

/// The target is the last enabled account holding `users:write`.
pub(super) fn last_writer() -> ApiError {
    ApiError::new(&LOCKOUT).with_detail(
        "this is the last enabled account holding users:write; \
         grant it to another account first",
    )
}
