use serde::Deserialize;
use smart_default::SmartDefault;

use super::Quota;

/// The limits and their outage policy (`RATE_LIMIT_*`).
#[derive(Clone, Debug, SmartDefault, Deserialize)]
#[serde(default)]
pub struct RateLimitSettings {
    #[default(true)]
    pub enabled: bool,
    #[default(Quota::per_secs(100, 60))]
    pub per_ip: Quota,
    #[default(Quota::per_secs(20, 60))]
    pub per_user: Quota,
    #[default(Quota::per_secs(10, 15 * 60))]
    pub login_failures: Quota,
    /// Confirmation e-mails one account may request.
    #[default(Quota::per_secs(5, 3600))]
    pub verification_emails: Quota,
    /// Password-reset requests from one client IP (IPv6: per /64).
    #[default(Quota::per_secs(20, 3600))]
    pub password_resets_per_ip: Quota,
    /// Password-reset requests naming one address, whether or not an account has it.
    #[default(Quota::per_secs(5, 3600))]
    pub password_reset_emails: Quota,
    /// Refuse (503) instead of serving when the limiter's store is down.
    pub fail_closed: bool,
}
