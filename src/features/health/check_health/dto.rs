use poem_openapi::{Enum, Object};

use super::HealthReport;
use crate::infra::rate_limit::LimiterStatus;

#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[oai(rename_all = "lowercase")]
pub enum CheckStatus {
    Ok,
    /// Serving, with a dependency down (e.g. rate limiting off while Redis is unreachable).
    Degraded,
    Unavailable,
    /// Switched off by configuration.
    Disabled,
}

/// Each dependency's state.
#[derive(Object)]
pub struct HealthChecks {
    pub database: CheckStatus,
    pub rate_limiter: CheckStatus,
}

/// The service's health.
#[derive(Object)]
pub struct Health {
    /// `ok`, `degraded` (serving, a dependency is down) or `unavailable`.
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
        let status = match (report.healthy(), rate_limiter) {
            (false, _) => CheckStatus::Unavailable,
            (true, CheckStatus::Degraded) => CheckStatus::Degraded,
            (true, _) => CheckStatus::Ok,
        };
        Self {
            status,
            checks: HealthChecks {
                database,
                rate_limiter,
            },
        }
    }
}
