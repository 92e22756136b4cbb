use std::time::Duration;

/// One dependency's probe: `None` when it is not configured.
pub(super) type Probe = Option<Result<Duration, String>>;

/// What the probes found.
#[derive(Debug)]
pub(super) struct ReadinessReport {
    pub database: Result<Duration, String>,
    pub redis: Probe,
    pub kafka: Probe,
    pub outbox: OutboxReport,
}

/// The oldest unpublished event's age against the bound (`None`: not checked).
#[derive(Debug)]
pub(super) struct OutboxReport {
    pub oldest_age: Option<Duration>,
    pub max_age: Option<Duration>,
}

impl OutboxReport {
    /// Within the bound, or not checked. Unknown (the database is down) is not fresh.
    pub(super) fn fresh(&self) -> bool {
        match (self.oldest_age, self.max_age) {
            (_, None) => true,
            (Some(age), Some(max)) => age <= max,
            (None, Some(_)) => false,
        }
    }
}

impl ReadinessReport {
    pub(super) fn ready(&self) -> bool {
        self.database.is_ok()
            && !matches!(self.redis, Some(Err(_)))
            && !matches!(self.kafka, Some(Err(_)))
            && self.outbox.fresh()
    }
}
