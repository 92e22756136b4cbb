use std::time::Duration;

use deadpool_redis::{Config, Pool, Runtime, redis::Script};
use uuid::Uuid;

use super::{Decision, LimiterError, Quota};

/// A Redis answer slower than this counts as an outage.
const TIMEOUT: Duration = Duration::from_millis(500);

/// One round trip, atomic: drop hits older than the window, count, log this hit when under
/// the limit, and report when the oldest hit leaves the window. Time comes from Redis, so
/// instances with skewed clocks agree. A sorted set per key, scored by microseconds, holding
/// at most `limit` members of ~40 bytes (listpack-encoded up to 128 members).
const SLIDING_LOG: &str = r"
local limit = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
local count = redis.call('ZCARD', KEYS[1])
local allowed = count < limit
if allowed and ARGV[3] == '1' then
  redis.call('ZADD', KEYS[1], now, ARGV[4])
  redis.call('PEXPIRE', KEYS[1], math.ceil(window / 1000))
  count = count + 1
end
local reset = 0
local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
if oldest[2] then reset = tonumber(oldest[2]) + window - now end
return {allowed and 1 or 0, count, reset}
";

/// The shared limiter: every instance pointed at one Redis enforces one limit.
pub struct RedisLimiter {
    pool: Pool,
    script: Script,
}

impl RedisLimiter {
    pub fn new(url: &str) -> Result<Self, LimiterError> {
        let pool = Config::from_url(url)
            .create_pool(Some(Runtime::Tokio1))
            .map_err(|e| LimiterError(e.to_string()))?;
        Ok(Self {
            pool,
            script: Script::new(SLIDING_LOG),
        })
    }

    pub async fn check(
        &self,
        key: &str,
        quota: Quota,
        log_hit: bool,
    ) -> Result<Decision, LimiterError> {
        let call = async {
            let mut conn = self
                .pool
                .get()
                .await
                .map_err(|e| LimiterError(e.to_string()))?;
            let (allowed, logged, reset_us): (u8, u32, u64) = self
                .script
                .key(key)
                .arg(quota.limit)
                .arg(quota.window.as_micros() as u64)
                .arg(if log_hit { "1" } else { "0" })
                .arg(Uuid::now_v7().simple().to_string())
                .invoke_async(&mut conn)
                .await
                .map_err(|e| LimiterError(e.to_string()))?;
            Ok(Decision::new(
                allowed == 1,
                quota,
                logged,
                Duration::from_micros(reset_us),
            ))
        };
        tokio::time::timeout(TIMEOUT, call)
            .await
            .map_err(|_| LimiterError("timed out".into()))?
    }

    pub async fn ping(&self) -> Result<(), LimiterError> {
        let call = async {
            let mut conn = self
                .pool
                .get()
                .await
                .map_err(|e| LimiterError(e.to_string()))?;
            deadpool_redis::redis::cmd("PING")
                .query_async::<String>(&mut conn)
                .await
                .map(drop)
                .map_err(|e| LimiterError(e.to_string()))
        };
        tokio::time::timeout(TIMEOUT, call)
            .await
            .map_err(|_| LimiterError("timed out".into()))?
    }
}
