//! One Redis connection shared by every user of Redis in the process (rate limiter,
//! e-mail verdict cache).

use std::{
    sync::{Mutex, MutexGuard},
    time::Duration,
};

use secrecy::SecretString;
use serde::Deserialize;
use smart_default::SmartDefault;

use deadpool_redis::{
    Config, Pool, Runtime,
    redis::{RedisError, aio::MultiplexedConnection},
};

/// The Redis shared by the rate limiter and the e-mail verdict cache (`REDIS_*`).
#[derive(Clone, Debug, SmartDefault, Deserialize)]
#[serde(default)]
pub struct RedisSettings {
    /// `redis://host:6379`, secret because it may hold a password; `None`: no Redis, limits
    /// and verdicts are kept in process.
    pub url: Option<SecretString>,
    /// Prefix of every key.
    #[default("accounts-api:".into())]
    pub key_prefix: String,
}

/// A Redis answer slower than this counts as an outage.
const TIMEOUT: Duration = Duration::from_millis(500);

#[derive(Debug, thiserror::Error)]
#[error("Redis unavailable: {0}")]
pub struct RedisUnavailable(pub String);

impl From<RedisError> for RedisUnavailable {
    fn from(err: RedisError) -> Self {
        Self(err.to_string())
    }
}

/// A multiplexed connection from a pool, shared by all callers: checking one out per call
/// would cost deadpool's health-check round trip (UNWATCH + PING) every time. Dropped on
/// error, so the next call reconnects through the pool.
pub struct SharedRedis {
    pool: Pool,
    shared: Mutex<Option<MultiplexedConnection>>,
}

impl SharedRedis {
    pub fn new(url: &str) -> Result<Self, RedisUnavailable> {
        let pool = Config::from_url(url)
            .create_pool(Some(Runtime::Tokio1))
            .map_err(|e| RedisUnavailable(e.to_string()))?;
        Ok(Self {
            pool,
            shared: Mutex::new(None),
        })
    }

    /// Runs `call` on the shared connection with a deadline; any failure drops the connection.
    pub async fn run<T, F>(
        &self,
        call: impl FnOnce(MultiplexedConnection) -> F,
    ) -> Result<T, RedisUnavailable>
    where
        F: Future<Output = Result<T, RedisError>>,
    {
        let attempt = async { Ok(call(self.connection().await?).await?) };
        let result = match tokio::time::timeout(TIMEOUT, attempt).await {
            Ok(result) => result,
            Err(_) => Err(RedisUnavailable("timed out".into())),
        };
        if result.is_err() {
            self.lock_shared().take();
        }
        result
    }

    async fn connection(&self) -> Result<MultiplexedConnection, RedisUnavailable> {
        if let Some(conn) = self.lock_shared().clone() {
            return Ok(conn);
        }
        let pooled = self
            .pool
            .get()
            .await
            .map_err(|e| RedisUnavailable(e.to_string()))?;
        let conn = (*pooled).clone();
        *self.lock_shared() = Some(conn.clone());
        Ok(conn)
    }

    fn lock_shared(&self) -> MutexGuard<'_, Option<MultiplexedConnection>> {
        self.shared
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}
