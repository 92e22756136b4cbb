use std::{
    collections::{HashMap, VecDeque},
    time::Duration,
};

use chrono::{DateTime, Utc};
use parking_lot::Mutex;
use uuid::Uuid;

use super::{Decision, Quota};
use crate::infra::clock::Clock;

/// How often idle keys are swept out.
const SWEEP_EVERY: Duration = Duration::from_secs(60);

/// The in-process limiter (the embedded default): the same sliding log as Redis, one
/// `VecDeque` of (time, hit id) per key (at most `limit` entries, 28 bytes each), timed by
/// the app's `Clock`.
pub(crate) struct MemoryLimiter {
    clock: Clock,
    state: Mutex<State>,
}

struct State {
    logs: HashMap<String, Log>,
    last_sweep: DateTime<Utc>,
}

struct Log {
    hits: VecDeque<(DateTime<Utc>, Uuid)>,
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
    pub(crate) fn acquire(&self, limits: &[(&str, Quota)], hit: Uuid) -> Vec<Decision> {
        let now = self.clock.now();
        let mut state = self.state.lock();
        if elapsed(now, state.last_sweep) >= SWEEP_EVERY {
            state.logs.retain(|_, log| {
                log.hits
                    .back()
                    .is_some_and(|(t, _)| elapsed(now, *t) < log.window)
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
                    .is_some_and(|(t, _)| elapsed(now, *t) >= quota.window)
                {
                    log.hits.pop_front();
                }
                log.hits.len() < quota.limit as usize
            })
            .collect();
        let log_hit = room.iter().all(|r| *r);
        limits
            .iter()
            .zip(room)
            .map(|((key, quota), room)| {
                let log = state.logs.get_mut(*key).expect("inserted above");
                if log_hit {
                    log.hits.push_back((now, hit));
                }
                let reset = log.hits.front().map_or(Duration::ZERO, |(oldest, _)| {
                    quota.window.saturating_sub(elapsed(now, *oldest))
                });
                Decision::new(room, *quota, log.hits.len() as u32, reset)
            })
            .collect()
    }
}

impl MemoryLimiter {
    /// Takes the logged `hit` back out of `key`'s log (gone already: nothing to do).
    pub(crate) fn release(&self, key: &str, hit: Uuid) {
        if let Some(log) = self.state.lock().logs.get_mut(key) {
            log.hits.retain(|(_, id)| *id != hit);
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use uuid::Uuid;

    use super::{Decision, MemoryLimiter, Quota};
    use crate::infra::clock::{Clock, ManualClock};

    fn hit(limiter: &MemoryLimiter, limits: &[(&str, Quota)]) -> Vec<Decision> {
        limiter.acquire(limits, Uuid::now_v7())
    }

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
            .map(|_| hit(&limiter, &[("k", quota)])[0].remaining)
            .collect();
        assert_eq!(remaining, [2, 1, 0]);
        clock.advance(Duration::from_millis(150));
        let refused = hit(&limiter, &[("k", quota)])[0];
        assert!(!refused.allowed && refused.reset <= quota.window);
        assert_eq!(
            refused.reset,
            Duration::from_millis(50),
            "when the oldest hit leaves"
        );
        clock.advance(Duration::from_millis(50));
        assert!(hit(&limiter, &[("k", quota)])[0].allowed);
    }

    #[test]
    fn a_released_hit_frees_its_slot_and_keys_are_independent() {
        let (limiter, _) = limiter();
        let quota = Quota {
            limit: 1,
            window: Duration::from_secs(60),
        };
        let first = Uuid::now_v7();
        assert!(limiter.acquire(&[("a", quota)], first)[0].allowed);
        assert!(!hit(&limiter, &[("a", quota)])[0].allowed);
        assert!(hit(&limiter, &[("b", quota)])[0].allowed);
        // Releasing an unknown hit changes nothing; releasing the logged one frees the slot.
        limiter.release("a", Uuid::now_v7());
        assert!(!hit(&limiter, &[("a", quota)])[0].allowed);
        limiter.release("a", first);
        assert!(hit(&limiter, &[("a", quota)])[0].allowed);
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
        let first = hit(&limiter, &[("ip", two), ("user", one)]);
        assert!(first.iter().all(|d| d.allowed));
        let second = hit(&limiter, &[("ip", two), ("user", one)]);
        assert_eq!(
            second.iter().map(|d| d.allowed).collect::<Vec<_>>(),
            [true, false]
        );
        // The refused hit was not logged against the key that still had room.
        assert_eq!(second[0].remaining, 1);
    }
}
