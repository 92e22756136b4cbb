use std::{
    fmt,
    sync::atomic::{AtomicBool, Ordering},
    time::Duration,
};

use chrono::{DateTime, Utc};
use parking_lot::Mutex;
use uuid::Uuid;

use super::{Decision, LimiterError, Quota, RateLimitSettings, RateLimiter};
use crate::infra::{clock::Clock, telemetry::metrics};

/// An outage is logged at most this often.
const WARN_EVERY: Duration = Duration::from_secs(30);

/// A hit counted in advance by `RateLimits::reserve`; `decision` says whether it had room
/// (a refused one was not logged).
pub(crate) struct Reservation {
    key: String,
    hit: Uuid,
    pub decision: Decision,
}

/// What a limit counts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Scope {
    /// Requests per client IP (IPv6 per /64).
    Ip,
    /// Requests per authenticated user.
    User,
    /// Failed logins per account name.
    LoginFailures,
    /// Confirmation e-mails per account.
    VerificationEmails,
    /// Password-reset requests per client IP, whatever the address.
    PasswordResetsPerIp,
    /// Password-reset requests per e-mail address (keyed by its SHA-256), account or not.
    PasswordResetEmails,
}

/// Whether a store call logs a hit (so a lost answer may have counted it).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Counts {
    Yes,
    No,
}

/// The limiter's health as the health endpoint reports it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum LimiterStatus {
    Ok,
    /// The store is down and requests are let through.
    Degraded,
    /// The store is down and requests are refused (`RATE_LIMIT_FAIL_CLOSED`).
    Unavailable,
    Disabled,
}

/// The configured quotas over a limiter, with the outage policy: fail open (serve, warn,
/// report degraded) unless configured to fail closed. A hit whose check was sent but not
/// answered is refused under either policy: the store may already have counted it, or
/// refused it, and serving it could let it through uncounted.
pub(crate) struct RateLimits {
    limiter: Option<RateLimiter>,
    settings: RateLimitSettings,
    key_prefix: String,
    degraded: AtomicBool,
    /// Times the outage-warning throttle.
    clock: Clock,
    /// Until when a repeated outage warning stays out of the log.
    quiet_until: Mutex<Option<DateTime<Utc>>>,
}

impl RateLimits {
    /// `limiter: None` switches limiting off.
    pub(crate) fn new(
        limiter: Option<RateLimiter>,
        settings: RateLimitSettings,
        key_prefix: String,
        clock: Clock,
    ) -> Self {
        Self {
            limiter,
            settings,
            key_prefix,
            degraded: AtomicBool::new(false),
            clock,
            quiet_until: Mutex::new(None),
        }
    }

    /// Counts a hit against every `(scope, id)` at once (all or nothing), one decision each.
    /// `Ok(None)`: limiting is off, or the store is unreachable and we fail open.
    pub(crate) async fn acquire(
        &self,
        checks: &[(Scope, &str)],
    ) -> Result<Option<Vec<Decision>>, LimiterError> {
        self.log_hit(checks, Uuid::now_v7()).await
    }

    /// Counts a hit against `(scope, id)` now, to be taken back with `release` if it turns
    /// out not to count (a failure quota charged before the attempt, so that concurrent
    /// attempts cannot all pass a check made before any of them failed). `Ok(None)`:
    /// limiting is off, or the store is unreachable and we fail open.
    pub(crate) async fn reserve(
        &self,
        scope: Scope,
        id: &str,
    ) -> Result<Option<Reservation>, LimiterError> {
        let hit = Uuid::now_v7();
        let decisions = self.log_hit(&[(scope, id)], hit).await?;
        Ok(decisions
            .and_then(|decisions| decisions.into_iter().next())
            .map(|decision| Reservation {
                key: self.key(scope, id),
                hit,
                decision,
            }))
    }

    /// Takes a reserved hit back (when it was counted). A store that fails now leaves it
    /// counted: logged, never an error for the caller.
    pub(crate) async fn release(&self, reservation: Reservation) {
        let (Some(limiter), true) = (&self.limiter, reservation.decision.allowed) else {
            return;
        };
        let released = limiter.release(&reservation.key, reservation.hit).await;
        if let Err(err) = self.settle(released, Counts::No) {
            tracing::warn!(error = %err, "a reserved rate-limit hit could not be taken back");
        }
    }

    async fn log_hit(
        &self,
        checks: &[(Scope, &str)],
        hit: Uuid,
    ) -> Result<Option<Vec<Decision>>, LimiterError> {
        let Some(limiter) = &self.limiter else {
            return Ok(None);
        };
        let keys: Vec<String> = checks
            .iter()
            .map(|(scope, id)| self.key(*scope, id))
            .collect();
        let limits: Vec<_> = keys
            .iter()
            .map(String::as_str)
            .zip(checks.iter().map(|(s, _)| self.quota(*s)))
            .collect();
        let result = limiter.acquire(&limits, hit).await;
        let settled = self.settle(result, Counts::Yes);
        if let Ok(Some(decisions)) = &settled {
            for ((scope, _), decision) in checks.iter().zip(decisions) {
                metrics::rate_limit_decision(scope.metric_label(), decision.allowed);
            }
        }
        settled
    }

    /// Probes the store.
    pub(crate) async fn status(&self) -> LimiterStatus {
        let Some(limiter) = &self.limiter else {
            return LimiterStatus::Disabled;
        };
        match self.settle(limiter.ping().await, Counts::No) {
            Ok(_) if self.degraded.load(Ordering::Relaxed) => LimiterStatus::Degraded,
            Ok(_) => LimiterStatus::Ok,
            Err(_) => LimiterStatus::Unavailable,
        }
    }

    fn quota(&self, scope: Scope) -> Quota {
        match scope {
            Scope::Ip => self.settings.per_ip,
            Scope::User => self.settings.per_user,
            Scope::LoginFailures => self.settings.login_failures,
            Scope::VerificationEmails => self.settings.verification_emails,
            Scope::PasswordResetsPerIp => self.settings.password_resets_per_ip,
            Scope::PasswordResetEmails => self.settings.password_reset_emails,
        }
    }

    fn key(&self, scope: Scope, id: &str) -> String {
        format!("{}rl:{scope}:{id}", self.key_prefix)
    }

    /// Applies the outage policy and keeps the degraded flag (and its log) up to date.
    fn settle<T>(
        &self,
        result: Result<T, LimiterError>,
        counts: Counts,
    ) -> Result<Option<T>, LimiterError> {
        match result {
            Ok(value) => {
                if self.degraded.swap(false, Ordering::Relaxed) {
                    tracing::info!("rate limiter store is back");
                }
                Ok(Some(value))
            }
            Err(err) => {
                metrics::rate_limit_store_error();
                self.degraded.store(true, Ordering::Relaxed);
                let in_doubt = counts == Counts::Yes && matches!(err, LimiterError::NoAnswer(_));
                let (refuse, policy) = match (self.settings.fail_closed, in_doubt) {
                    (true, _) => (true, "refusing requests"),
                    (false, true) => (true, "refusing the request: its check may have counted"),
                    (false, false) => (false, "letting requests through"),
                };
                self.warn_throttled(&err, policy);
                if refuse { Err(err) } else { Ok(None) }
            }
        }
    }

    fn warn_throttled(&self, err: &LimiterError, policy: &str) {
        let mut quiet_until = self.quiet_until.lock();
        if quiet_until.is_none_or(|until| self.clock.now() >= until) {
            *quiet_until = Some(self.clock.after(WARN_EVERY));
            tracing::warn!(error = %err, "rate limiter store unavailable; {policy}");
        }
    }
}

impl Scope {
    /// The scope's `scope` label in the metrics.
    fn metric_label(self) -> &'static str {
        match self {
            Self::Ip => "ip",
            Self::User => "user",
            Self::LoginFailures => "login_failures",
            Self::VerificationEmails => "verification_emails",
            Self::PasswordResetsPerIp => "password_resets_per_ip",
            Self::PasswordResetEmails => "password_reset_emails",
        }
    }
}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Ip => "ip",
            Self::User => "user",
            Self::LoginFailures => "login",
            Self::VerificationEmails => "verify",
            Self::PasswordResetsPerIp => "reset-ip",
            Self::PasswordResetEmails => "reset-email",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::Scope;
    use crate::infra::telemetry::metrics::RATE_LIMIT_SCOPES;

    #[test]
    fn every_scope_has_a_registered_metric_label() {
        let scopes = [
            Scope::Ip,
            Scope::User,
            Scope::LoginFailures,
            Scope::VerificationEmails,
            Scope::PasswordResetsPerIp,
            Scope::PasswordResetEmails,
        ];
        let labels: Vec<_> = scopes.into_iter().map(Scope::metric_label).collect();
        assert_eq!(labels, RATE_LIMIT_SCOPES);
    }
}
