use std::time::Duration;

use serde::Deserialize;
use smart_default::SmartDefault;

use crate::infra::setting::{http_url, positive_seconds};

/// Password reset by e-mail (`PASSWORD_RESET_*`).
#[derive(Clone, Debug, SmartDefault, Deserialize)]
#[serde(default)]
pub struct PasswordResetSettings {
    /// Lifetime of a reset token, from the moment its e-mail goes out.
    #[default(Duration::from_secs(3600))]
    #[serde(deserialize_with = "positive_seconds")]
    pub token_ttl: Duration,
    /// Page the e-mail links to, with `token=<token>` appended; `None`: the e-mail shows the
    /// bare token.
    #[serde(deserialize_with = "http_url")]
    pub url: Option<String>,
}
