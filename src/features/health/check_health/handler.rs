use std::time::Duration;

use sea_orm::DatabaseConnection;

use super::{CheckHealth, HealthReport};

/// A probe slower than this counts as down.
const PROBE_TIMEOUT: Duration = Duration::from_secs(2);

pub async fn check_health(db: &DatabaseConnection, _query: CheckHealth) -> HealthReport {
    let database_up = matches!(
        tokio::time::timeout(PROBE_TIMEOUT, db.ping()).await,
        Ok(Ok(()))
    );
    if !database_up {
        tracing::warn!("health check: database unavailable");
    }
    HealthReport { database_up }
}
