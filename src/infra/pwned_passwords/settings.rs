use std::time::Duration;

use serde::Deserialize;
use smart_default::SmartDefault;

use crate::infra::setting::{http_url, positive_millis};

/// The breach lookup of new passwords (`PWNED_PASSWORDS_*`): off unless `PWNED_PASSWORDS_URL`
/// names a Pwned-Passwords-style range API.
#[derive(Clone, Debug, SmartDefault, Deserialize)]
#[serde(default)]
pub struct PwnedPasswordsSettings {
    /// The API's base: `{url}/range/{first 5 hex digits of the SHA-1}` is asked
    /// (`https://api.pwnedpasswords.com`); empty: no lookup.
    #[serde(deserialize_with = "http_url")]
    pub url: String,
    /// Budget for the whole answer; past it the password is let through (fail open).
    #[default(Duration::from_millis(3000))]
    #[serde(rename = "timeout_ms", deserialize_with = "positive_millis")]
    pub timeout: Duration,
}
