use std::time::Duration;

use sea_orm::DatabaseConnection;

use super::query::HealthReport;
use crate::infra::{email_verifier::EmailVerifier, rate_limit::RateLimits};

/// A probe slower than this counts as down.
const PROBE_TIMEOUT: Duration = Duration::from_secs(2);

/// Probes the database and the rate limiter's store concurrently. The e-mail verifier is not
/// probed (a probe would spend provider quota): its last call's outcome is reported.
pub(super) async fn check_health(
    db: &DatabaseConnection,
    limits: &RateLimits,
    verifier: &EmailVerifier,
) -> HealthReport {
    let database = tokio::time::timeout(PROBE_TIMEOUT, db.ping());
    let (database, rate_limiter) = tokio::join!(database, limits.status());
    let database_up = matches!(database, Ok(Ok(())));
    if !database_up {
        tracing::warn!("health check: database unavailable");
    }
    HealthReport {
        database_up,
        rate_limiter,
        email_verifier: verifier.status(),
    }
}
