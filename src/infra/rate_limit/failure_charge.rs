//! `FailureCharge`: a failure counted before the attempt it is for (`LoginFailures`), so that
//! concurrent attempts cannot all pass a check made before any of them failed: the quota can
//! never be exceeded. `forgive` it when the attempt succeeds: a success never counts.

use super::{Decision, LimiterError, RateLimits, Reservation, Scope};

/// One counted failure, until forgiven.
#[must_use = "forgive the charge when the attempt succeeds"]
pub(crate) struct FailureCharge<'a> {
    limits: &'a RateLimits,
    reservation: Option<Reservation>,
}

/// Why a failure could not be charged.
#[derive(Debug, thiserror::Error)]
pub(crate) enum ChargeError {
    /// The quota is spent: the attempt must not run.
    #[error("the failure quota is spent")]
    OverQuota(Decision),
    #[error(transparent)]
    Store(#[from] LimiterError),
}

impl RateLimits {
    /// Counts a failure of `key` in `scope` ahead of the attempt; `OverQuota` when its quota
    /// is spent (nothing counted then).
    pub(crate) async fn charge_failure(
        &self,
        scope: Scope,
        key: &str,
    ) -> Result<FailureCharge<'_>, ChargeError> {
        let reservation = self.reserve(scope, key).await?;
        if let Some(refused) = reservation.as_ref().filter(|r| !r.decision.allowed) {
            return Err(ChargeError::OverQuota(refused.decision));
        }
        Ok(FailureCharge {
            limits: self,
            reservation,
        })
    }
}

impl FailureCharge<'_> {
    /// The attempt succeeded (or never ran): it does not count.
    pub(crate) async fn forgive(self) {
        if let Some(reservation) = self.reservation {
            self.limits.release(reservation).await;
        }
    }
}
