//! Cross-cutting request plumbing.

pub mod auth;
pub mod body_limit;
pub mod client_ip;
pub mod json_string;
pub mod rate_limit;
pub mod request_log;
