//! E-mail notifications: each account event becomes one e-mail, exactly once.

pub mod send_email;
