//! Access tokens.

pub(super) mod create_access_token;
