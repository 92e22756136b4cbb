//! Adapters to the outside world, one folder each.

pub(crate) mod backoff;
pub mod clock;
pub mod db;
pub(crate) mod deadline;
pub(crate) mod email_verifier;
pub mod events;
pub(crate) mod mail;
pub(crate) mod pwned_passwords;
pub mod rate_limit;
pub(crate) mod redis;
pub mod security;
pub(crate) mod setting;
pub mod telemetry;
