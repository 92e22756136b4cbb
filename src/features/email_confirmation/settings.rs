use std::time::Duration;

/// Ownership confirmation of e-mail addresses.
#[derive(Clone, Debug)]
pub struct EmailVerificationSettings {
    pub token_ttl: Duration,
    /// Page the e-mail links to, with `token=<token>` appended; `None`: the e-mail shows the
    /// bare token.
    pub confirm_url: Option<String>,
    /// Refuse access tokens to accounts whose address is not confirmed.
    pub required: bool,
}
