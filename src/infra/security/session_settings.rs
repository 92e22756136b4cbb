use std::time::Duration;

use serde::Deserialize;
use smart_default::SmartDefault;

use crate::infra::setting::{positive_seconds, seconds};

/// How long sessions and their refresh tokens live (`SESSION_*`, `REFRESH_TOKEN_*`: no
/// common prefix, so each field names its whole variable).
#[derive(Clone, Debug, SmartDefault, Deserialize)]
#[serde(default)]
pub struct SessionSettings {
    /// Absolute lifetime of a session, counted from the login.
    #[default(Duration::from_secs(30 * 24 * 3600))]
    #[serde(rename = "session_ttl", deserialize_with = "positive_seconds")]
    pub ttl: Duration,
    /// A session not refreshed for this long ends.
    #[default(Duration::from_secs(7 * 24 * 3600))]
    #[serde(rename = "session_idle_timeout", deserialize_with = "positive_seconds")]
    pub idle_timeout: Duration,
    /// How long an already-rotated refresh token is still honoured (two tabs refreshing at
    /// once); a later use revokes its session.
    #[default(Duration::from_secs(10))]
    #[serde(rename = "refresh_token_reuse_grace", deserialize_with = "seconds")]
    pub reuse_grace: Duration,
    /// How often ended sessions and spent reset tokens are deleted.
    #[default(Duration::from_secs(3600))]
    #[serde(
        rename = "session_prune_interval",
        deserialize_with = "positive_seconds"
    )]
    pub prune_interval: Duration,
}
