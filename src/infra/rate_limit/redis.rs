use std::{sync::Arc, time::Duration};

use deadpool_redis::redis::Script;
use uuid::Uuid;

use super::{Decision, LimiterError, Quota};
use crate::infra::redis::SharedRedis;

/// One round trip, atomic, for one or more limits: drop each key's hits older than its
/// window and count; when every key is under its limit log this hit (member ARGV[1]) in all
/// of them; report per key whether it had room, its count and when its oldest hit leaves
/// the window. Time comes from Redis, so instances with skewed clocks agree. A sorted set per
/// key, scored by microseconds, holding at most `limit` members of ~40 bytes (listpack-encoded
/// up to 128 members). ARGV: member, then limit and window (µs) per key.
const SLIDING_LOG: &str = r"
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local counts, room, all_room = {}, {}, true
for i, key in ipairs(KEYS) do
  redis.call('ZREMRANGEBYSCORE', key, '-inf', now - tonumber(ARGV[2 * i + 1]))
  counts[i] = redis.call('ZCARD', key)
  room[i] = counts[i] < tonumber(ARGV[2 * i])
  all_room = all_room and room[i]
end
local result = {}
for i, key in ipairs(KEYS) do
  local window = tonumber(ARGV[2 * i + 1])
  if all_room then
    redis.call('ZADD', key, now, ARGV[1])
    redis.call('PEXPIRE', key, math.ceil(window / 1000))
    counts[i] = counts[i] + 1
  end
  local reset = 0
  local oldest = redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')
  if oldest[2] then reset = tonumber(oldest[2]) + window - now end
  table.insert(result, room[i] and 1 or 0)
  table.insert(result, counts[i])
  table.insert(result, reset)
end
return result
";

/// The shared limiter: every instance pointed at one Redis enforces one limit.
pub(crate) struct RedisLimiter {
    redis: Arc<SharedRedis>,
    script: Script,
}

impl RedisLimiter {
    pub(crate) fn new(redis: Arc<SharedRedis>) -> Self {
        Self {
            redis,
            script: Script::new(SLIDING_LOG),
        }
    }

    /// Checks every `(key, quota)` at once; see [`super::RateLimiter::acquire`].
    pub(crate) async fn acquire(
        &self,
        limits: &[(&str, Quota)],
        hit: Uuid,
    ) -> Result<Vec<Decision>, LimiterError> {
        let mut invocation = self.script.prepare_invoke();
        invocation.arg(hit.simple().to_string());
        for (key, quota) in limits {
            invocation
                .key(*key)
                .arg(quota.limit)
                .arg(quota.window.as_micros() as u64);
        }
        // Boxed: kilobytes of future, copied into every caller's otherwise (as in `kept`).
        let replies: Vec<u64> = Box::pin(
            self.redis
                .run(|mut conn| async move { invocation.invoke_async(&mut conn).await }),
        )
        .await
        .map_err(LimiterError::from)?;
        Ok(limits
            .iter()
            .zip(replies.chunks_exact(3))
            .map(|((_, quota), reply)| {
                Decision::new(
                    reply[0] == 1,
                    *quota,
                    reply[1] as u32,
                    Duration::from_micros(reply[2]),
                )
            })
            .collect())
    }

    /// Takes the logged `hit` back out of `key`'s log (gone already: nothing to do).
    pub(crate) async fn release(&self, key: &str, hit: Uuid) -> Result<(), LimiterError> {
        let member = hit.simple().to_string();
        self.redis
            .run(|mut conn| async move {
                deadpool_redis::redis::cmd("ZREM")
                    .arg(key)
                    .arg(member)
                    .query_async::<u64>(&mut conn)
                    .await
            })
            .await
            .map(drop)
            .map_err(LimiterError::from)
    }

    pub(crate) async fn ping(&self) -> Result<(), LimiterError> {
        self.redis.ping().await.map_err(LimiterError::from)
    }
}
