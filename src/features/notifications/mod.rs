//! E-mail notifications: each account event becomes one e-mail, exactly once.

pub(crate) mod send_email;
pub(crate) mod worker;
