use std::time::Duration;

use secrecy::SecretString;
use serde::Deserialize;
use smart_default::SmartDefault;

use crate::infra::setting::{http_url, positive_millis, positive_seconds};

/// The AbstractAPI e-mail reputation check at sign-up and e-mail change
/// (`EMAIL_VERIFIER_*`).
#[derive(Clone, Debug, SmartDefault, Deserialize)]
#[serde(default)]
pub struct EmailVerifierSettings {
    #[default("https://emailreputation.abstractapi.com/v1/".into())]
    #[serde(deserialize_with = "http_url")]
    pub api_url: String,
    /// Required when the check is on; never logged (its `Debug` is redacted).
    pub api_key: SecretString,
    /// Budget for the provider's whole answer; past it the address counts as unknown.
    #[default(Duration::from_millis(5000))]
    #[serde(rename = "timeout_ms", deserialize_with = "positive_millis")]
    pub timeout: Duration,
    /// How long a verdict is reused for the same address.
    #[default(Duration::from_secs(24 * 3600))]
    #[serde(rename = "cache_ttl_seconds", deserialize_with = "positive_seconds")]
    pub cache_ttl: Duration,
    /// After a timeout the provider is skipped this long; also the `Retry-After` of its
    /// outages and the interval between repeated error logs.
    #[default(Duration::from_secs(30))]
    #[serde(rename = "cooldown_seconds", deserialize_with = "positive_seconds")]
    pub cooldown: Duration,
}
