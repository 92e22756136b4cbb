use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use ::redis::AsyncCommands;

use super::{Rejection, Verdict};
use crate::infra::{redis::SharedRedis, security::sha256_hex};

/// Entries the in-memory cache holds at most; past it, expired entries are swept and new
/// verdicts are not cached until there is room.
const MEMORY_CAPACITY: usize = 100_000;

/// Provider verdicts per address, so a retried sign-up spends no quota. Keys are the
/// address's SHA-256, so the cache holds no addresses. A cache outage is a miss.
pub enum VerdictCache {
    Redis {
        redis: Arc<SharedRedis>,
        prefix: String,
        ttl: Duration,
    },
    Memory {
        entries: Mutex<HashMap<String, (Verdict, Instant)>>,
        ttl: Duration,
    },
}

impl VerdictCache {
    pub fn redis(redis: Arc<SharedRedis>, key_prefix: &str, ttl: Duration) -> Self {
        Self::Redis {
            redis,
            prefix: format!("{key_prefix}email-verdict:"),
            ttl,
        }
    }

    pub fn memory(ttl: Duration) -> Self {
        Self::Memory {
            entries: Mutex::default(),
            ttl,
        }
    }

    pub async fn get(&self, email: &str) -> Option<Verdict> {
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
            Self::Memory { entries, .. } => {
                let entries = entries.lock().unwrap_or_else(|p| p.into_inner());
                entries
                    .get(&sha256_hex(email))
                    .filter(|(_, expires)| *expires > Instant::now())
                    .map(|(verdict, _)| *verdict)
            }
        }
    }

    pub async fn put(&self, email: &str, verdict: Verdict) {
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
            Self::Memory { entries, ttl } => {
                let mut entries = entries.lock().unwrap_or_else(|p| p.into_inner());
                let now = Instant::now();
                if entries.len() >= MEMORY_CAPACITY {
                    entries.retain(|_, (_, expires)| *expires > now);
                }
                if entries.len() < MEMORY_CAPACITY {
                    entries.insert(sha256_hex(email), (verdict, now + *ttl));
                }
            }
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
    use crate::infra::email_verifier::{Rejection, Verdict};

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
        let cache = VerdictCache::memory(Duration::from_millis(30));
        cache.put("a@example.com", Verdict::Accepted).await;
        assert_eq!(cache.get("a@example.com").await, Some(Verdict::Accepted));
        assert_eq!(cache.get("b@example.com").await, None);
        tokio::time::sleep(Duration::from_millis(40)).await;
        assert_eq!(cache.get("a@example.com").await, None);
    }
}
