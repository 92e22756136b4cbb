//! Sliding-window rate limiting: at most `limit` hits in ANY window of `window`, so a
//! burst straddling a window edge cannot double the limit. Each key keeps a log of the
//! timestamps of its accepted hits (refused hits are not logged), so its memory is bounded
//! by `limit` entries and it expires on its own after `window` of silence.
//! Redis (shared by every instance, one atomic script call per check) or in-process.

mod failure_charge;
mod memory;
mod policy;
mod redis;
mod settings;

use std::{fmt, str::FromStr, time::Duration};

use humantime::format_duration;
use uuid::Uuid;

pub(crate) use failure_charge::ChargeError;
pub(crate) use memory::MemoryLimiter;
pub(crate) use policy::{LimiterStatus, RateLimits, Reservation, Scope};
pub(crate) use redis::RedisLimiter;
pub use settings::RateLimitSettings;

use crate::infra::{
    redis::RedisUnavailable,
    setting::{deserialize_from_str, duration},
};

/// The longest window a quota may have: a sliding log keeps every hit for its window.
const MAX_WINDOW: Duration = Duration::from_secs(24 * 3600);

/// At most `limit` hits in any `window`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Quota {
    pub limit: u32,
    pub window: Duration,
}

/// The answer to one check.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Decision {
    pub allowed: bool,
    pub limit: u32,
    /// Hits left in the current window after this one.
    pub remaining: u32,
    /// Until the oldest logged hit leaves the window (a slot frees up).
    pub reset: Duration,
}

#[derive(Debug, thiserror::Error)]
pub(crate) enum LimiterError {
    /// The store could not be reached: the check was not sent, nothing was counted.
    #[error("rate limiter unavailable: {0}")]
    Unreachable(String),
    /// The check was sent and its answer lost (late, or the connection failed): it may have
    /// been counted, or refused.
    #[error("rate limiter gave no answer: {0}")]
    NoAnswer(String),
}

impl From<RedisUnavailable> for LimiterError {
    fn from(err: RedisUnavailable) -> Self {
        match err {
            RedisUnavailable::Unreachable(reason) => Self::Unreachable(reason),
            RedisUnavailable::NoAnswer(reason) => Self::NoAnswer(reason),
        }
    }
}

/// The two stores behind one interface.
pub(crate) enum RateLimiter {
    Redis(RedisLimiter),
    Memory(MemoryLimiter),
}

impl RateLimiter {
    /// Checks several limits in one atomic step: the hit (`hit` names it in the logs) is
    /// logged against every key only when every key has room, and a decision comes back per
    /// key.
    pub(crate) async fn acquire(
        &self,
        limits: &[(&str, Quota)],
        hit: Uuid,
    ) -> Result<Vec<Decision>, LimiterError> {
        match self {
            Self::Redis(r) => r.acquire(limits, hit).await,
            Self::Memory(m) => Ok(m.acquire(limits, hit)),
        }
    }

    /// Takes a logged hit back out of `key`'s log, as if it had never been counted.
    pub(crate) async fn release(&self, key: &str, hit: Uuid) -> Result<(), LimiterError> {
        match self {
            Self::Redis(r) => r.release(key, hit).await,
            Self::Memory(m) => {
                m.release(key, hit);
                Ok(())
            }
        }
    }

    pub(crate) async fn ping(&self) -> Result<(), LimiterError> {
        match self {
            Self::Redis(r) => r.ping().await,
            Self::Memory(_) => Ok(()),
        }
    }
}

impl Decision {
    fn new(allowed: bool, quota: Quota, logged: u32, reset: Duration) -> Self {
        Self {
            allowed,
            limit: quota.limit,
            remaining: quota.limit.saturating_sub(logged),
            reset,
        }
    }
}

impl Quota {
    pub(crate) const fn per_secs(limit: u32, seconds: u64) -> Self {
        Self {
            limit,
            window: Duration::from_secs(seconds),
        }
    }
}

/// `<count>/<window>`: `100/60s`, `10/15m`, `5/1h` or `100/60` (seconds); the window is a
/// humantime duration of at most a day.
impl FromStr for Quota {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let err = || format!("expected <count>/<window> such as 100/60s or 10/15m, got {s:?}");
        let (limit, window) = s.split_once('/').ok_or_else(err)?;
        let limit: u32 = limit.trim().parse().map_err(|_| err())?;
        let window = duration(window, Duration::from_secs).map_err(|_| err())?;
        if limit == 0 || window.is_zero() || window > MAX_WINDOW {
            return Err(err());
        }
        Ok(Self { limit, window })
    }
}

deserialize_from_str!(Quota);

impl fmt::Display for Quota {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.limit, format_duration(self.window))
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::Quota;

    #[test]
    fn parses_quotas() {
        let q = |l, s| Quota {
            limit: l,
            window: Duration::from_secs(s),
        };
        assert_eq!("100/60s".parse::<Quota>().unwrap(), q(100, 60));
        assert_eq!("100/60".parse::<Quota>().unwrap(), q(100, 60));
        assert_eq!("10/15m".parse::<Quota>().unwrap(), q(10, 900));
        assert_eq!("5/1h".parse::<Quota>().unwrap(), q(5, 3600));
        assert_eq!("5/1h 30m".parse::<Quota>().unwrap(), q(5, 5400));
        assert_eq!(q(10, 900).to_string(), "10/15m");
        for bad in ["", "100", "0/60s", "100/0s", "x/60s", "100/60d", "100/s"] {
            assert!(bad.parse::<Quota>().is_err(), "{bad:?}");
        }
    }
}
