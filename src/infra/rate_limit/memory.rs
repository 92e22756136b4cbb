use std::{
    collections::{HashMap, VecDeque},
    time::Duration,
};

use chrono::{DateTime, Utc};
use parking_lot::Mutex;

use super::{Decision, Quota};
use crate::infra::clock::Clock;

/// How often idle keys are swept out.
const SWEEP_EVERY: Duration = Duration::from_secs(60);

/// The in-process limiter (the embedded default): the same sliding log as Redis, one
/// `VecDeque<DateTime<Utc>>` per key (at most `limit` entries, 12 bytes each), timed by the
/// app's `Clock`.
pub(crate) struct MemoryLimiter {
    clock: Clock,
    state: Mutex<State>,
}

struct State {
    logs: HashMap<String, Log>,
    last_sweep: DateTime<Utc>,
}

struct Log {
    hits: VecDeque<DateTime<Utc>>,
    window: Duration,
}

/// Time from `then` to `now`; zero if the clock went back.
fn elapsed(now: DateTime<Utc>, then: DateTime<Utc>) -> Duration {
    (now - then).to_std().unwrap_or(Duration::ZERO)
}

impl MemoryLimiter {
    pub(crate) fn new(clock: Clock) -> Self {
        let last_sweep = clock.now();
        Self {
            clock,
            state: Mutex::new(State {
                logs: HashMap::new(),
                last_sweep,
            }),
        }
    }

    /// Checks every `(key, quota)` at once; see [`super::RateLimiter::acquire`].
    pub(crate) fn check(&self, limits: &[(&str, Quota)], log_hit: bool) -> Vec<Decision> {
        let now = self.clock.now();
        let mut state = self.state.lock();
        if elapsed(now, state.last_sweep) >= SWEEP_EVERY {
            state.logs.retain(|_, log| {
                log.hits
                    .back()
                    .is_some_and(|t| elapsed(now, *t) < log.window)
            });
            state.last_sweep = now;
        }
        let room: Vec<bool> = limits
            .iter()
            .map(|(key, quota)| {
                let log = state.logs.entry((*key).to_owned()).or_insert_with(|| Log {
                    hits: VecDeque::new(),
                    window: quota.window,
                });
                log.window = quota.window;
                while log
                    .hits
                    .front()
                    .is_some_and(|t| elapsed(now, *t) >= quota.window)
                {
                    log.hits.pop_front();
                }
                log.hits.len() < quota.limit as usize
            })
            .collect();
        let log_hit = log_hit && room.iter().all(|r| *r);
        limits
            .iter()
            .zip(room)
            .map(|((key, quota), room)| {
                let log = state.logs.get_mut(*key).expect("inserted above");
                if log_hit {
                    log.hits.push_back(now);
                }
                let reset = log.hits.front().map_or(Duration::ZERO, |oldest| {
                    quota.window.saturating_sub(elapsed(now, *oldest))
                });
                Decision::new(room, *quota, log.hits.len() as u32, reset)
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::{MemoryLimiter, Quota};
    use crate::infra::clock::{Clock, ManualClock};

    /// A limiter on a clock that moves only when the test says.
    fn limiter() -> (MemoryLimiter, ManualClock) {
        let clock = ManualClock::default();
        (MemoryLimiter::new(Clock::Manual(clock.clone())), clock)
    }

    #[test]
    fn allows_the_limit_then_refuses_until_the_window_slides() {
        let (limiter, clock) = limiter();
        let quota = Quota {
            limit: 3,
            window: Duration::from_millis(200),
        };
        let remaining: Vec<_> = (0..3)
            .map(|_| limiter.check(&[("k", quota)], true)[0].remaining)
            .collect();
        assert_eq!(remaining, [2, 1, 0]);
        clock.advance(Duration::from_millis(150));
        let refused = limiter.check(&[("k", quota)], true)[0];
        assert!(!refused.allowed && refused.reset <= quota.window);
        assert_eq!(
            refused.reset,
            Duration::from_millis(50),
            "when the oldest hit leaves"
        );
        clock.advance(Duration::from_millis(50));
        assert!(limiter.check(&[("k", quota)], true)[0].allowed);
    }

    #[test]
    fn peeking_logs_nothing_and_keys_are_independent() {
        let (limiter, _) = limiter();
        let quota = Quota {
            limit: 1,
            window: Duration::from_secs(60),
        };
        assert!(limiter.check(&[("a", quota)], false)[0].allowed);
        assert!(limiter.check(&[("a", quota)], true)[0].allowed);
        assert!(!limiter.check(&[("a", quota)], false)[0].allowed);
        assert!(limiter.check(&[("b", quota)], true)[0].allowed);
    }

    #[test]
    fn several_keys_are_charged_all_or_nothing() {
        let (limiter, _) = limiter();
        let (one, two) = (
            Quota {
                limit: 1,
                window: Duration::from_secs(60),
            },
            Quota {
                limit: 2,
                window: Duration::from_secs(60),
            },
        );
        let first = limiter.check(&[("ip", two), ("user", one)], true);
        assert!(first.iter().all(|d| d.allowed));
        let second = limiter.check(&[("ip", two), ("user", one)], true);
        assert_eq!(
            second.iter().map(|d| d.allowed).collect::<Vec<_>>(),
            [true, false]
        );
        // The refused hit was not logged against the key that still had room.
        assert_eq!(second[0].remaining, 1);
    }
}
