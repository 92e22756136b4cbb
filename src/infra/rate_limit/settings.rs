use super::Quota;

#[derive(Clone, Debug)]
pub struct RateLimitSettings {
    pub enabled: bool,
    pub per_ip: Quota,
    pub per_user: Quota,
    pub login_failures: Quota,
    /// Confirmation e-mails one account may request.
    pub verification_emails: Quota,
    /// Refuse (503) instead of serving when the limiter's store is down.
    pub fail_closed: bool,
}
