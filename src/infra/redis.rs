//! One Redis connection shared by every user of Redis in the process (rate limiter,
//! e-mail verdict cache), with two deadlines: a short one to get the connection (nothing has
//! been sent, so an unreachable Redis is an outage at once) and `REDIS_TIMEOUT_MS` for the
//! answer to a command already sent (past it, whether the command ran is unknown).

use std::time::Duration;

use deadpool_redis::{
    Config, CreatePoolError, Pool, Runtime,
    redis::{RedisError, aio::MultiplexedConnection},
};
use parking_lot::Mutex;
use secrecy::SecretString;
use serde::Deserialize;
use smart_default::SmartDefault;

use crate::infra::setting::positive_millis;

/// How long getting a connection may take: connecting, or waiting for the connect another
/// caller has in progress.
pub(crate) const CONNECT_TIMEOUT: Duration = Duration::from_millis(500);

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
    /// How long the answer to a command already sent may take.
    #[default(Duration::from_secs(2))]
    #[serde(rename = "timeout_ms", deserialize_with = "positive_millis")]
    pub timeout: Duration,
}

#[derive(Debug, thiserror::Error)]
pub(crate) enum RedisUnavailable {
    /// No connection within [`CONNECT_TIMEOUT`]: nothing was sent.
    #[error("Redis unreachable: {0}")]
    Unreachable(String),
    /// The command was sent and no usable answer came back (too late, or the connection
    /// failed): it may have run.
    #[error("no answer from Redis: {0}")]
    NoAnswer(String),
}

/// A multiplexed connection shared by all callers, taken from deadpool on first use (or by
/// `connect`), one at a time: a burst of callers waits for that one connect instead of each
/// checking one out (a checkout costs deadpool's UNWATCH + PING). Dropped after a failure,
/// so the next call reconnects.
pub(crate) struct SharedRedis {
    pool: Pool,
    timeout: Duration,
    /// The connection and its number, so that a failure drops only the one it happened on.
    shared: Mutex<Option<(u64, MultiplexedConnection)>>,
    /// Held while connecting; counts the connections opened.
    connecting: tokio::sync::Mutex<u64>,
}

impl SharedRedis {
    /// Checks the URL; connects on first use.
    pub(crate) fn new(url: &str, timeout: Duration) -> Result<Self, CreatePoolError> {
        Ok(Self {
            pool: Config::from_url(url).create_pool(Some(Runtime::Tokio1))?,
            timeout,
            shared: Mutex::new(None),
            connecting: tokio::sync::Mutex::new(0),
        })
    }

    /// Opens the shared connection now, so that the first requests find it ready.
    pub async fn connect(&self) -> Result<(), RedisUnavailable> {
        self.connection().await.map(drop)
    }

    /// Runs `call` on the shared connection: getting the connection has [`CONNECT_TIMEOUT`],
    /// the answer `REDIS_TIMEOUT_MS`. Any failure drops the connection.
    pub(crate) async fn run<T, F>(
        &self,
        call: impl FnOnce(MultiplexedConnection) -> F,
    ) -> Result<T, RedisUnavailable>
    where
        F: Future<Output = Result<T, RedisError>>,
    {
        let (number, conn) = self.connection().await?;
        let failure = match tokio::time::timeout(self.timeout, call(conn)).await {
            Ok(Ok(value)) => return Ok(value),
            Ok(Err(err)) => err.to_string(),
            Err(_) => format!("none within {} ms", self.timeout.as_millis()),
        };
        self.forget(number);
        Err(RedisUnavailable::NoAnswer(failure))
    }

    async fn connection(&self) -> Result<(u64, MultiplexedConnection), RedisUnavailable> {
        if let Some(shared) = self.shared.lock().clone() {
            return Ok(shared);
        }
        let connect = async {
            let mut opened = self.connecting.lock().await;
            if let Some(shared) = self.shared.lock().clone() {
                return Ok(shared);
            }
            let pooled = self
                .pool
                .get()
                .await
                .map_err(|e| RedisUnavailable::Unreachable(e.to_string()))?;
            let conn = MultiplexedConnection::clone(&pooled);
            *opened += 1;
            *self.shared.lock() = Some((*opened, conn.clone()));
            Ok((*opened, conn))
        };
        tokio::time::timeout(CONNECT_TIMEOUT, connect)
            .await
            .unwrap_or_else(|_| {
                Err(RedisUnavailable::Unreachable(format!(
                    "no connection within {} ms",
                    CONNECT_TIMEOUT.as_millis()
                )))
            })
    }

    /// Sends `PING` on the shared connection.
    pub(crate) async fn ping(&self) -> Result<(), RedisUnavailable> {
        self.run(|mut conn| async move {
            deadpool_redis::redis::cmd("PING")
                .query_async::<String>(&mut conn)
                .await
        })
        .await
        .map(drop)
    }

    /// Drops the shared connection if it is still connection `number`.
    fn forget(&self, number: u64) {
        let mut shared = self.shared.lock();
        if shared
            .as_ref()
            .is_some_and(|(current, _)| *current == number)
        {
            *shared = None;
        }
    }
}
