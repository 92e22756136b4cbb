//! Service health: the overall check, and the liveness and readiness probes that
//! orchestrators (Compose, Kubernetes) poll.

mod check_health;
mod check_liveness;
mod check_readiness;
mod status;

/// This area's slices, in document order.
pub(super) type Slices = (
    check_health::CheckHealthRoute,
    check_liveness::CheckLivenessRoute,
    check_readiness::CheckReadinessRoute,
);
