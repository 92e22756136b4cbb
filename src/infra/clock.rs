//! The time every timestamp, expiry and TTL is read from: the system clock in production,
//! a manual clock in tests, which they move instead of sleeping or editing rows.

use std::sync::Arc;

use chrono::{DateTime, TimeDelta, Utc};
use parking_lot::Mutex;

#[derive(Clone, Debug, Default)]
pub enum Clock {
    #[default]
    System,
    Manual(ManualClock),
}

impl Clock {
    pub(crate) fn now(&self) -> DateTime<Utc> {
        match self {
            Self::System => Utc::now(),
            Self::Manual(clock) => clock.now(),
        }
    }

    /// `by` from now: an expiry. Saturates instead of overflowing on absurd durations.
    pub(crate) fn after(&self, by: std::time::Duration) -> DateTime<Utc> {
        later(self.now(), by)
    }
}

/// `at` plus `by`, saturating at the latest representable time.
pub(crate) fn later(at: DateTime<Utc>, by: std::time::Duration) -> DateTime<Utc> {
    TimeDelta::from_std(by)
        .ok()
        .and_then(|by| at.checked_add_signed(by))
        .unwrap_or(DateTime::<Utc>::MAX_UTC)
}

/// `at` minus `by`, saturating at the earliest representable time.
pub(crate) fn earlier(at: DateTime<Utc>, by: std::time::Duration) -> DateTime<Utc> {
    TimeDelta::from_std(by)
        .ok()
        .and_then(|by| at.checked_sub_signed(by))
        .unwrap_or(DateTime::<Utc>::MIN_UTC)
}

/// A clock that stands still until moved; clones share one time.
#[derive(Clone, Debug)]
pub struct ManualClock(Arc<Mutex<DateTime<Utc>>>);

impl Default for ManualClock {
    /// Starts at the current system time.
    fn default() -> Self {
        Self(Arc::new(Mutex::new(Utc::now())))
    }
}

impl ManualClock {
    pub fn now(&self) -> DateTime<Utc> {
        *self.0.lock()
    }

    pub fn advance(&self, by: std::time::Duration) {
        let by = TimeDelta::from_std(by).unwrap_or(TimeDelta::MAX);
        *self.0.lock() += by;
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::{Clock, ManualClock};

    #[test]
    fn a_manual_clock_moves_only_when_told() {
        let manual = ManualClock::default();
        let clock = Clock::Manual(manual.clone());
        let start = clock.now();
        assert_eq!(clock.now(), start);
        manual.advance(Duration::from_secs(90));
        assert_eq!((clock.now() - start).num_seconds(), 90);
        assert_eq!(
            (clock.after(Duration::from_secs(5)) - start).num_seconds(),
            95
        );
        assert_eq!(
            clock.after(Duration::MAX),
            chrono::DateTime::<chrono::Utc>::MAX_UTC
        );
    }
}
