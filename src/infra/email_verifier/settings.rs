use std::time::Duration;

use secrecy::SecretString;

/// The AbstractAPI e-mail reputation check at sign-up and e-mail change.
#[derive(Clone, Debug)]
pub struct EmailVerifierSettings {
    pub api_url: String,
    pub api_key: SecretString,
    /// Budget for the provider's whole answer; past it the address counts as unknown.
    pub timeout: Duration,
    /// How long a verdict is reused for the same address.
    pub cache_ttl: Duration,
    /// After a timeout the provider is skipped this long; also the `Retry-After` of its
    /// outages and the interval between repeated error logs.
    pub cooldown: Duration,
}
