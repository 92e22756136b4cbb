use poem_openapi::{Enum, Object};

use super::HealthReport;

#[derive(Enum, Clone, Copy)]
#[oai(rename_all = "lowercase")]
pub enum CheckStatus {
    Ok,
    Unavailable,
}

impl From<bool> for CheckStatus {
    fn from(up: bool) -> Self {
        if up { Self::Ok } else { Self::Unavailable }
    }
}

/// Each dependency's state.
#[derive(Object)]
pub struct HealthChecks {
    pub database: CheckStatus,
}

/// The service's health.
#[derive(Object)]
pub struct Health {
    /// `ok` when every check is `ok`.
    pub status: CheckStatus,
    pub checks: HealthChecks,
}

impl From<&HealthReport> for Health {
    fn from(report: &HealthReport) -> Self {
        Self {
            status: report.healthy().into(),
            checks: HealthChecks {
                database: report.database_up.into(),
            },
        }
    }
}
