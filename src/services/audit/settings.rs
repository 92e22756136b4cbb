use std::time::Duration;

use serde::Deserialize;
use smart_default::SmartDefault;

use crate::infra::setting::positive_seconds;

/// The audit trail (`AUDIT_*`).
#[derive(Clone, Debug, SmartDefault, Deserialize)]
#[serde(default)]
pub struct AuditSettings {
    /// How long a row is kept; older ones are pruned in the background.
    #[default(Duration::from_secs(90 * 24 * 3600))]
    #[serde(deserialize_with = "positive_seconds")]
    pub retention: Duration,
}
