//! The changes an administrator (admin API) or an operator (`manage users`) makes to an
//! account (`grant`, `revoke`, `set_disabled`, `reset_mfa`, each audited), and the lock-out rule they
//! keep (`is_last_writer`).

mod changes;
mod lockout;

pub(crate) use changes::{Change, grant, reset_mfa, revoke, set_disabled};
pub(crate) use lockout::is_last_writer;
