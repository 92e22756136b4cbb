//! Service health.

pub mod check_health;

pub use check_health::CheckHealthRoute;
