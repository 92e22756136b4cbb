use std::time::Duration;

use poem_openapi::Object;

use super::query::{OutboxReport, Probe, ReadinessReport};
use crate::features::health::status::CheckStatus;

/// One dependency: `ok` with its round trip in milliseconds, `unavailable` (no latency), or
/// `disabled` when not configured.
// No doc comments on the fields: poem-openapi would wrap `status`'s `$ref` in an `allOf`
// that client generators (openapi-python-client) cannot read.
#[derive(Object)]
pub(super) struct DependencyCheck {
    pub status: CheckStatus,
    #[oai(nullable)]
    pub latency_ms: Option<f64>,
}

/// The outbox: `unavailable` while its oldest unpublished event is older than
/// `max_age_seconds` (or cannot be read); `disabled` when no bound is set.
/// `oldest_event_age_seconds` is 0 when nothing waits, `null` when unknown.
#[derive(Object)]
pub(super) struct OutboxCheck {
    pub status: CheckStatus,
    #[oai(nullable)]
    pub oldest_event_age_seconds: Option<f64>,
    #[oai(nullable)]
    pub max_age_seconds: Option<u64>,
}

/// Each check of the readiness probe.
#[derive(Object)]
pub(super) struct ReadinessChecks {
    pub database: DependencyCheck,
    pub redis: DependencyCheck,
    pub kafka: DependencyCheck,
    pub outbox: OutboxCheck,
}

/// Whether this instance should get traffic: `status` is `ok` or `unavailable`.
#[derive(Object)]
pub(super) struct Readiness {
    pub status: CheckStatus,
    pub checks: ReadinessChecks,
}

impl From<&ReadinessReport> for Readiness {
    fn from(report: &ReadinessReport) -> Self {
        Self {
            status: if report.ready() {
                CheckStatus::Ok
            } else {
                CheckStatus::Unavailable
            },
            checks: ReadinessChecks {
                database: dependency(&Some(report.database.clone())),
                redis: dependency(&report.redis),
                kafka: dependency(&report.kafka),
                outbox: outbox(&report.outbox),
            },
        }
    }
}

fn dependency(probe: &Probe) -> DependencyCheck {
    let (status, latency_ms) = match probe {
        None => (CheckStatus::Disabled, None),
        Some(Ok(took)) => (CheckStatus::Ok, Some(millis(*took))),
        Some(Err(_)) => (CheckStatus::Unavailable, None),
    };
    DependencyCheck { status, latency_ms }
}

fn outbox(report: &OutboxReport) -> OutboxCheck {
    let status = match (report.max_age, report.fresh()) {
        (None, _) => CheckStatus::Disabled,
        (Some(_), true) => CheckStatus::Ok,
        (Some(_), false) => CheckStatus::Unavailable,
    };
    OutboxCheck {
        status,
        oldest_event_age_seconds: report.oldest_age.map(|age| age.as_secs_f64()),
        max_age_seconds: report.max_age.map(|max| max.as_secs()),
    }
}

/// Milliseconds, to the microsecond.
fn millis(took: Duration) -> f64 {
    took.as_micros() as f64 / 1000.0
}
