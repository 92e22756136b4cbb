use poem_openapi::Object;

use super::query::HealthReport;
use crate::{
    features::health::status::CheckStatus,
    infra::{email_verifier::VerifierStatus, rate_limit::LimiterStatus},
};

/// Each dependency's state. `email_verifier` is the e-mail reputation service as its last
/// call went (not probed: probes cost quota).
// No doc comments on the fields: poem-openapi would wrap their `$ref` in an `allOf` that
// client generators (openapi-python-client) cannot read.
#[derive(Object)]
pub(super) struct HealthChecks {
    pub database: CheckStatus,
    pub rate_limiter: CheckStatus,
    pub email_verifier: CheckStatus,
}

/// The service's health: `status` is `ok`, `degraded` (serving, a dependency is down) or
/// `unavailable`.
// No doc comments on the fields (see `HealthChecks`).
#[derive(Object)]
pub(super) struct Health {
    pub status: CheckStatus,
    pub checks: HealthChecks,
}

impl From<&HealthReport> for Health {
    fn from(report: &HealthReport) -> Self {
        let database = if report.database_up {
            CheckStatus::Ok
        } else {
            CheckStatus::Unavailable
        };
        let rate_limiter = match report.rate_limiter {
            LimiterStatus::Ok => CheckStatus::Ok,
            LimiterStatus::Degraded => CheckStatus::Degraded,
            LimiterStatus::Unavailable => CheckStatus::Unavailable,
            LimiterStatus::Disabled => CheckStatus::Disabled,
        };
        let email_verifier = match report.email_verifier {
            VerifierStatus::Ok => CheckStatus::Ok,
            VerifierStatus::Degraded => CheckStatus::Degraded,
            VerifierStatus::Disabled => CheckStatus::Disabled,
        };
        let degraded = [rate_limiter, email_verifier].contains(&CheckStatus::Degraded);
        let status = match (report.healthy(), degraded) {
            (false, _) => CheckStatus::Unavailable,
            (true, true) => CheckStatus::Degraded,
            (true, false) => CheckStatus::Ok,
        };
        Self {
            status,
            checks: HealthChecks {
                database,
                rate_limiter,
                email_verifier,
            },
        }
    }
}
