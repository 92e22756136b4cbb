use std::time::Duration;

use serde::Deserialize;
use smart_default::SmartDefault;

use crate::infra::setting::{http_url, positive_seconds};

/// Ownership confirmation of e-mail addresses (`EMAIL_VERIFICATION_*` and
/// `REQUIRE_VERIFIED_EMAIL`: no common prefix, so each field names its whole variable).
#[derive(Clone, Debug, SmartDefault, Deserialize)]
#[serde(default)]
pub struct EmailVerificationSettings {
    #[default(Duration::from_secs(24 * 3600))]
    #[serde(
        rename = "email_verification_token_ttl_seconds",
        deserialize_with = "positive_seconds"
    )]
    pub token_ttl: Duration,
    /// Page the e-mail links to, with `token=<token>` appended; `None`: the e-mail shows the
    /// bare token.
    #[serde(rename = "email_verification_url", deserialize_with = "http_url")]
    pub confirm_url: Option<String>,
    /// Refuse access tokens to accounts whose address is not confirmed.
    #[serde(rename = "require_verified_email")]
    pub required: bool,
}
