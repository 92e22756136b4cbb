use crate::infra::{email_verifier::VerifierStatus, rate_limit::LimiterStatus};

/// Probe every dependency.
#[derive(Debug)]
pub struct CheckHealth;

/// What each dependency answered.
#[derive(Debug)]
pub struct HealthReport {
    pub database_up: bool,
    pub rate_limiter: LimiterStatus,
    pub email_verifier: VerifierStatus,
}

impl HealthReport {
    /// Able to serve requests (a degraded limiter still serves).
    pub fn healthy(&self) -> bool {
        self.database_up && self.rate_limiter != LimiterStatus::Unavailable
    }
}
