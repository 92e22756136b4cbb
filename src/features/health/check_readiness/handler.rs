use std::{future::Future, time::Duration};

use tokio::time::Instant;

use super::query::{OutboxReport, ReadinessReport};
use crate::{http::AppState, infra::events::outbox};

/// A probe slower than this counts as down.
const PROBE_TIMEOUT: Duration = Duration::from_secs(2);

/// Probes every configured dependency at once, and reads the outbox's oldest unpublished
/// event (its age is zero when there is none).
pub(super) async fn check_readiness(state: &AppState) -> ReadinessReport {
    let database = timed(async { state.db.ping().await.map_err(|e| e.to_string()) });
    let redis = async {
        match &state.redis {
            Some(redis) => {
                Some(timed(async { redis.ping().await.map_err(|e| e.to_string()) }).await)
            }
            None => None,
        }
    };
    let kafka = async {
        match &state.kafka {
            Some(kafka) => Some(timed(kafka.ping(PROBE_TIMEOUT)).await),
            None => None,
        }
    };
    let oldest_age = async {
        let age = outbox::oldest_unpublished_age(&state.db, state.clock.now());
        tokio::time::timeout(PROBE_TIMEOUT, age).await.ok()?.ok()
    };
    let (database, redis, kafka, oldest_age) = tokio::join!(database, redis, kafka, oldest_age);
    let report = ReadinessReport {
        database,
        redis,
        kafka,
        outbox: OutboxReport {
            oldest_age,
            max_age: Some(state.max_outbox_age).filter(|max| !max.is_zero()),
        },
    };
    if !report.ready() {
        tracing::warn!(?report, "not ready");
    }
    report
}

/// Runs `probe` within [`PROBE_TIMEOUT`]: how long it took, or why it failed.
async fn timed(probe: impl Future<Output = Result<(), String>>) -> Result<Duration, String> {
    let started = Instant::now();
    match tokio::time::timeout(PROBE_TIMEOUT, probe).await {
        Ok(Ok(())) => Ok(started.elapsed()),
        Ok(Err(reason)) => Err(reason),
        Err(_) => Err(format!("no answer within {} ms", PROBE_TIMEOUT.as_millis())),
    }
}
