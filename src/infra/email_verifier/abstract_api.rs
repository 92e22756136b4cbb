mod answer;

use std::{
    sync::atomic::{AtomicBool, AtomicU64, Ordering},
    time::Duration,
};

use chrono::{DateTime, Utc};
use parking_lot::Mutex;
use reqwest::{Client, header::RETRY_AFTER};
use secrecy::ExposeSecret;

use self::answer::{Outcome, classify};
use super::{EmailVerifierSettings, Verdict, VerdictCache, VerifierError, VerifierStatus};
use crate::infra::clock::Clock;

/// AbstractAPI's Email Reputation API: one GET per address not in the cache. Never retried:
/// a sign-up waits at most one `timeout`, and after a timeout the provider is skipped for
/// `cooldown`, so a slow provider does not slow every sign-up down.
pub(crate) struct AbstractApiVerifier {
    client: Client,
    settings: EmailVerifierSettings,
    cache: VerdictCache,
    /// The cooldown and the error-log throttle follow this clock.
    clock: Clock,
    skip_until: Mutex<Option<DateTime<Utc>>>,
    /// Until when a repeated "key refused" error stays out of the log.
    quiet_until: Mutex<Option<DateTime<Utc>>>,
    degraded: AtomicBool,
    unknown_total: AtomicU64,
}

impl AbstractApiVerifier {
    pub(crate) fn new(
        settings: EmailVerifierSettings,
        cache: VerdictCache,
        clock: Clock,
    ) -> Result<Self, String> {
        let client = Client::builder()
            .user_agent(concat!("accounts-api/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| e.to_string())?;
        Ok(Self {
            client,
            settings,
            cache,
            clock,
            skip_until: Mutex::new(None),
            quiet_until: Mutex::new(None),
            degraded: AtomicBool::new(false),
            unknown_total: AtomicU64::new(0),
        })
    }

    pub(crate) async fn verify(&self, email: &str) -> Result<Verdict, VerifierError> {
        if let Some(verdict) = self.cache.get(email).await {
            return Ok(verdict);
        }
        if self.skipping() {
            let total = self.unknown_total.fetch_add(1, Ordering::Relaxed) + 1;
            tracing::debug!(
                unknown_total = total,
                "e-mail verifier skipped after a timeout"
            );
            return Ok(Verdict::Unknown);
        }
        let outcome = self.call(email).await;
        self.degraded
            .store(!matches!(outcome, Outcome::Verdict(_)), Ordering::Relaxed);
        let cooldown = self.settings.cooldown;
        match outcome {
            Outcome::Verdict(verdict) => {
                self.cache.put(email, verdict).await;
                Ok(verdict)
            }
            Outcome::Timeout => {
                *self.skip_until.lock() = Some(self.clock.after(cooldown));
                Ok(self.unknown(&format!(
                    "no answer within {:?}; skipping the provider for {cooldown:?}",
                    self.settings.timeout
                )))
            }
            Outcome::Malformed(reason) => Ok(self.unknown(&reason)),
            Outcome::Unauthorized(status) => {
                if self.first_error_in_interval() {
                    tracing::error!(%status, "e-mail verifier refused EMAIL_VERIFIER_API_KEY; sign-ups get 503 until it is fixed");
                }
                Err(VerifierError::Unauthorized {
                    retry_after: cooldown,
                })
            }
            Outcome::RateLimited(retry_after) => {
                tracing::warn!(?retry_after, "e-mail verifier quota exhausted (HTTP 429)");
                Err(VerifierError::Unavailable {
                    retry_after: retry_after.unwrap_or(cooldown),
                })
            }
            Outcome::Down(reason) => {
                tracing::warn!(%reason, "e-mail verifier unavailable");
                Err(VerifierError::Unavailable {
                    retry_after: cooldown,
                })
            }
        }
    }

    pub(crate) fn status(&self) -> VerifierStatus {
        if self.degraded.load(Ordering::Relaxed) {
            VerifierStatus::Degraded
        } else {
            VerifierStatus::Ok
        }
    }

    async fn call(&self, email: &str) -> Outcome {
        let request = self.client.get(&self.settings.api_url).query(&[
            ("api_key", self.settings.api_key.expose_secret()),
            ("email", email),
        ]);
        let exchange = async {
            let response = request.send().await?;
            let status = response.status();
            let retry_after = response
                .headers()
                .get(RETRY_AFTER)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.trim().parse().ok())
                .map(Duration::from_secs);
            let body = response.bytes().await?;
            Ok::<_, reqwest::Error>((status, retry_after, body))
        };
        match tokio::time::timeout(self.settings.timeout, exchange).await {
            Err(_) => Outcome::Timeout,
            Ok(Err(err)) if err.is_timeout() => Outcome::Timeout,
            // The URL carries the API key: never let it reach a log.
            Ok(Err(err)) => Outcome::Down(err.without_url().to_string()),
            Ok(Ok((status, retry_after, body))) => classify(status, retry_after, &body),
        }
    }

    fn skipping(&self) -> bool {
        self.skip_until
            .lock()
            .is_some_and(|until| self.clock.now() < until)
    }

    /// Counts and logs an address that could not be judged; sign-up goes on (fail open).
    fn unknown(&self, reason: &str) -> Verdict {
        let total = self.unknown_total.fetch_add(1, Ordering::Relaxed) + 1;
        tracing::warn!(
            reason,
            unknown_total = total,
            "e-mail reputation unknown; letting the address through"
        );
        Verdict::Unknown
    }

    fn first_error_in_interval(&self) -> bool {
        let mut quiet_until = self.quiet_until.lock();
        let first = quiet_until.is_none_or(|until| self.clock.now() >= until);
        if first {
            *quiet_until = Some(self.clock.after(self.settings.cooldown));
        }
        first
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::AbstractApiVerifier;
    use crate::infra::{
        clock::{Clock, ManualClock},
        email_verifier::{EmailVerifierSettings, VerdictCache},
    };

    #[test]
    fn a_refused_key_is_logged_once_per_cooldown() {
        let settings = EmailVerifierSettings {
            api_url: "http://127.0.0.1:1/".into(),
            api_key: "k".into(),
            timeout: Duration::from_secs(1),
            cache_ttl: Duration::from_secs(1),
            cooldown: Duration::from_secs(50),
        };
        let manual = ManualClock::default();
        let clock = Clock::Manual(manual.clone());
        let cache = VerdictCache::memory(Duration::ZERO, clock.clone());
        let verifier = AbstractApiVerifier::new(settings, cache, clock).expect("a client");
        assert!(verifier.first_error_in_interval());
        manual.advance(Duration::from_secs(49));
        assert!(!verifier.first_error_in_interval());
        manual.advance(Duration::from_secs(1));
        assert!(verifier.first_error_in_interval());
    }
}
