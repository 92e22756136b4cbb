use std::{sync::Arc, time::Duration};

use chrono::{DateTime, Utc};
use deadpool_redis::redis::AsyncCommands;
use moka::sync::Cache;

use super::{Rejection, Verdict};
use crate::infra::{clock::Clock, redis::SharedRedis, security::sha256_hex};

/// Entries the in-memory cache holds at most; past it, moka evicts the least useful.
const MEMORY_CAPACITY: u64 = 100_000;

/// Provider verdicts per address, so a retried sign-up spends no quota. Keys are the
/// address's SHA-256, so the cache holds no addresses. A cache outage is a miss.
pub(crate) enum VerdictCache {
    Redis {
        redis: Arc<SharedRedis>,
        prefix: String,
        ttl: Duration,
    },
    /// Each verdict is stored with its expiry read from `clock` and checked on read, so the
    /// TTL follows the app's clock; moka's own real-time TTL only frees the memory.
    Memory {
        entries: Cache<String, (Verdict, DateTime<Utc>)>,
        ttl: Duration,
        clock: Clock,
    },
}

impl VerdictCache {
    pub(crate) fn redis(redis: Arc<SharedRedis>, key_prefix: &str, ttl: Duration) -> Self {
        Self::Redis {
            redis,
            prefix: format!("{key_prefix}email-verdict:"),
            ttl,
        }
    }

    /// An in-process cache of at most `MEMORY_CAPACITY` verdicts, each kept for `ttl`.
    pub(crate) fn memory(ttl: Duration, clock: Clock) -> Self {
        let entries = Cache::builder()
            .max_capacity(MEMORY_CAPACITY)
            .time_to_live(ttl)
            .build();
        Self::Memory {
            entries,
            ttl,
            clock,
        }
    }

    pub(crate) async fn get(&self, email: &str) -> Option<Verdict> {
        match self {
            Self::Redis { redis, prefix, .. } => {
                let key = format!("{prefix}{}", sha256_hex(email));
                let found = redis
                    .run(|mut conn| async move { conn.get::<_, Option<String>>(key).await })
                    .await;
                match found {
                    Ok(value) => value.as_deref().and_then(decode),
                    Err(err) => {
                        tracing::debug!(error = %err, "verdict cache unavailable");
                        None
                    }
                }
            }
            Self::Memory { entries, clock, .. } => entries
                .get(&sha256_hex(email))
                .filter(|(_, expires)| *expires > clock.now())
                .map(|(verdict, _)| verdict),
        }
    }

    pub(crate) async fn put(&self, email: &str, verdict: Verdict) {
        match self {
            Self::Redis { redis, prefix, ttl } => {
                let key = format!("{prefix}{}", sha256_hex(email));
                let secs = ttl.as_secs();
                let stored = redis
                    .run(|mut conn| async move {
                        conn.set_ex::<_, _, ()>(key, encode(verdict), secs).await
                    })
                    .await;
                if let Err(err) = stored {
                    tracing::debug!(error = %err, "verdict not cached");
                }
            }
            Self::Memory {
                entries,
                ttl,
                clock,
            } => entries.insert(sha256_hex(email), (verdict, clock.after(*ttl))),
        }
    }
}

fn encode(verdict: Verdict) -> &'static str {
    match verdict {
        Verdict::Accepted => "accepted",
        Verdict::Unknown => "unknown",
        Verdict::Rejected(Rejection::InvalidFormat) => "invalid-format",
        Verdict::Rejected(Rejection::Undeliverable) => "undeliverable",
        Verdict::Rejected(Rejection::Disposable) => "disposable",
    }
}

fn decode(value: &str) -> Option<Verdict> {
    Some(match value {
        "accepted" => Verdict::Accepted,
        "unknown" => Verdict::Unknown,
        "invalid-format" => Verdict::Rejected(Rejection::InvalidFormat),
        "undeliverable" => Verdict::Rejected(Rejection::Undeliverable),
        "disposable" => Verdict::Rejected(Rejection::Disposable),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::{VerdictCache, decode, encode};
    use crate::infra::{
        clock::{Clock, ManualClock},
        email_verifier::{Rejection, Verdict},
    };

    #[test]
    fn every_verdict_survives_the_round_trip() {
        for verdict in [
            Verdict::Accepted,
            Verdict::Unknown,
            Verdict::Rejected(Rejection::InvalidFormat),
            Verdict::Rejected(Rejection::Undeliverable),
            Verdict::Rejected(Rejection::Disposable),
        ] {
            assert_eq!(decode(encode(verdict)), Some(verdict));
        }
        assert_eq!(decode("garbage"), None);
    }

    #[tokio::test]
    async fn memory_entries_expire() {
        let clock = ManualClock::default();
        let cache = VerdictCache::memory(Duration::from_secs(60), Clock::Manual(clock.clone()));
        cache.put("a@example.com", Verdict::Accepted).await;
        assert_eq!(cache.get("a@example.com").await, Some(Verdict::Accepted));
        assert_eq!(cache.get("b@example.com").await, None);
        clock.advance(Duration::from_secs(59));
        assert_eq!(cache.get("a@example.com").await, Some(Verdict::Accepted));
        clock.advance(Duration::from_secs(1));
        assert_eq!(cache.get("a@example.com").await, None);
    }
}
