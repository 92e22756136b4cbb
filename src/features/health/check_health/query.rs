use crate::infra::{email_verifier::VerifierStatus, rate_limit::LimiterStatus};

/// What each dependency answered.
#[derive(Debug)]
pub(super) struct HealthReport {
    pub database_up: bool,
    pub rate_limiter: LimiterStatus,
    pub email_verifier: VerifierStatus,
}

impl HealthReport {
    /// Able to serve requests (a degraded limiter still serves).
    pub(super) fn healthy(&self) -> bool {
        self.database_up && self.rate_limiter != LimiterStatus::Unavailable
    }
}
