use crate::http::{ApiError, lockout};

/// The caller tried to revoke its own `users:write`.
pub(super) fn own_write_permission() -> ApiError {
    lockout("you cannot revoke your own users:write permission; another administrator can")
}
