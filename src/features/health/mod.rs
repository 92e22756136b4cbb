//! Service health.

pub(super) mod check_health;
