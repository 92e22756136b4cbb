//! Service health.

mod check_health;

/// This area's slices, in document order (a tuple once there are two).
pub(super) type Slices = check_health::CheckHealthRoute;
