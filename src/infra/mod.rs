//! Adapters to the outside world, one folder each.

pub mod backoff;
pub mod clock;
pub mod db;
pub mod email_verifier;
pub mod events;
pub mod mail;
pub mod rate_limit;
pub mod redis;
pub mod security;
pub mod setting;
pub mod telemetry;
