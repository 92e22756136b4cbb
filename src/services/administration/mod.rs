//! The changes an administrator (admin API) or an operator (`manage users`) makes to an
//! account (`grant`, `revoke`, `set_disabled`, each audited), and the lock-out rule they
//! keep (`is_last_writer`).

mod changes;
mod lockout;

pub(crate) use changes::{Change, grant, revoke, set_disabled};
pub(crate) use lockout::is_last_writer;
