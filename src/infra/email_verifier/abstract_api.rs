use std::{
    sync::{
        Mutex,
        atomic::{AtomicBool, AtomicU64, Ordering},
    },
    time::{Duration, Instant},
};

use reqwest::{Client, StatusCode, header::RETRY_AFTER};
use serde::Deserialize;

use super::{Rejection, Verdict, VerdictCache, VerifierError, VerifierStatus};
use secrecy::ExposeSecret;

use super::EmailVerifierSettings;

/// AbstractAPI's Email Reputation API: one GET per address not in the cache. Never retried:
/// a sign-up waits at most one `timeout`, and after a timeout the provider is skipped for
/// `cooldown`, so a slow provider does not slow every sign-up down.
pub struct AbstractApiVerifier {
    client: Client,
    settings: EmailVerifierSettings,
    cache: VerdictCache,
    skip_until: Mutex<Option<Instant>>,
    last_error_log: Mutex<Option<Instant>>,
    degraded: AtomicBool,
    unknown_total: AtomicU64,
}

/// What one call to the provider came to.
#[derive(Debug, PartialEq)]
enum Outcome {
    Verdict(Verdict),
    Timeout,
    /// A 2xx without the expected JSON, or a status the API does not document.
    Malformed(String),
    /// 401/403: our key is wrong, revoked or out of credit.
    Unauthorized(StatusCode),
    /// 429, with the provider's `Retry-After` when it sent one.
    RateLimited(Option<Duration>),
    /// 5xx, or the provider could not be reached.
    Down(String),
}

impl AbstractApiVerifier {
    pub fn new(settings: EmailVerifierSettings, cache: VerdictCache) -> Result<Self, String> {
        let client = Client::builder()
            .user_agent(concat!("accounts-api/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| e.to_string())?;
        Ok(Self {
            client,
            settings,
            cache,
            skip_until: Mutex::new(None),
            last_error_log: Mutex::new(None),
            degraded: AtomicBool::new(false),
            unknown_total: AtomicU64::new(0),
        })
    }

    pub async fn verify(&self, email: &str) -> Result<Verdict, VerifierError> {
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
                *lock(&self.skip_until) = Some(Instant::now() + cooldown);
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

    pub fn status(&self) -> VerifierStatus {
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
        lock(&self.skip_until).is_some_and(|until| Instant::now() < until)
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
        let mut last = lock(&self.last_error_log);
        let first = last.is_none_or(|at| at.elapsed() >= self.settings.cooldown);
        if first {
            *last = Some(Instant::now());
        }
        first
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn classify(status: StatusCode, retry_after: Option<Duration>, body: &[u8]) -> Outcome {
    match status.as_u16() {
        200..=299 => match serde_json::from_slice::<Reputation>(body) {
            Ok(reputation) => Outcome::Verdict(reputation.verdict()),
            Err(err) => Outcome::Malformed(format!("unexpected answer: {err}")),
        },
        401 | 403 => Outcome::Unauthorized(status),
        429 => Outcome::RateLimited(retry_after),
        500..=599 => Outcome::Down(format!("HTTP {status}")),
        _ => Outcome::Malformed(format!("unexpected HTTP {status}")),
    }
}

/// The part of the provider's answer we use.
#[derive(Deserialize)]
struct Reputation {
    email_deliverability: Deliverability,
    #[serde(default)]
    email_quality: Option<Quality>,
}

#[derive(Deserialize)]
struct Deliverability {
    /// `deliverable`, `undeliverable` or `unknown`.
    status: String,
    #[serde(default)]
    status_detail: Option<String>,
    #[serde(default)]
    is_format_valid: Option<bool>,
}

#[derive(Deserialize)]
struct Quality {
    #[serde(default)]
    is_disposable: Option<bool>,
}

impl Reputation {
    /// Format first, then deliverability, then disposability; an undecided provider is
    /// `Unknown`, not a rejection.
    fn verdict(&self) -> Verdict {
        let d = &self.email_deliverability;
        let disposable = self
            .email_quality
            .as_ref()
            .and_then(|q| q.is_disposable)
            .unwrap_or(false);
        if d.is_format_valid == Some(false) || d.status_detail.as_deref() == Some("invalid_format")
        {
            Verdict::Rejected(Rejection::InvalidFormat)
        } else if d.status == "undeliverable" {
            Verdict::Rejected(Rejection::Undeliverable)
        } else if disposable {
            Verdict::Rejected(Rejection::Disposable)
        } else if d.status == "deliverable" {
            Verdict::Accepted
        } else {
            Verdict::Unknown
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use reqwest::StatusCode;

    use super::{AbstractApiVerifier, Outcome, classify};
    use crate::infra::email_verifier::{EmailVerifierSettings, Rejection, Verdict, VerdictCache};

    fn answer(json: &str) -> Outcome {
        classify(StatusCode::OK, None, json.as_bytes())
    }

    #[test]
    fn reads_the_documented_answer() {
        let body = |status: &str, format: bool, disposable: bool| {
            format!(
                r#"{{"email_address":"a@b.test","email_deliverability":{{"status":"{status}",
                "status_detail":"x","is_format_valid":{format}}},
                "email_quality":{{"score":0.8,"is_disposable":{disposable}}}}}"#
            )
        };
        let cases = [
            (("deliverable", true, false), Verdict::Accepted),
            (("unknown", true, false), Verdict::Unknown),
            (
                ("undeliverable", true, false),
                Verdict::Rejected(Rejection::Undeliverable),
            ),
            (
                ("undeliverable", false, false),
                Verdict::Rejected(Rejection::InvalidFormat),
            ),
            (
                ("deliverable", true, true),
                Verdict::Rejected(Rejection::Disposable),
            ),
        ];
        for ((status, format, disposable), verdict) in cases {
            assert_eq!(
                answer(&body(status, format, disposable)),
                Outcome::Verdict(verdict)
            );
        }
        let without_quality = r#"{"email_deliverability":{"status":"deliverable"}}"#;
        assert_eq!(answer(without_quality), Outcome::Verdict(Verdict::Accepted));
    }

    #[test]
    fn sorts_failures() {
        assert!(matches!(answer("not json"), Outcome::Malformed(_)));
        assert!(matches!(
            answer(r#"{"email_deliverability":{}}"#),
            Outcome::Malformed(_)
        ));
        assert!(matches!(answer(r#"[1,2]"#), Outcome::Malformed(_)));
        let status = |code| StatusCode::from_u16(code).unwrap();
        assert!(matches!(
            classify(status(401), None, b""),
            Outcome::Unauthorized(_)
        ));
        assert!(matches!(
            classify(status(403), None, b""),
            Outcome::Unauthorized(_)
        ));
        assert_eq!(
            classify(status(429), Some(Duration::from_secs(7)), b""),
            Outcome::RateLimited(Some(Duration::from_secs(7)))
        );
        assert!(matches!(classify(status(502), None, b""), Outcome::Down(_)));
        assert!(matches!(
            classify(status(404), None, b""),
            Outcome::Malformed(_)
        ));
    }

    #[test]
    fn a_refused_key_is_logged_once_per_cooldown() {
        let settings = EmailVerifierSettings {
            api_url: "http://127.0.0.1:1/".into(),
            api_key: "k".into(),
            timeout: Duration::from_secs(1),
            cache_ttl: Duration::from_secs(1),
            cooldown: Duration::from_millis(50),
        };
        let verifier = AbstractApiVerifier::new(settings, VerdictCache::memory(Duration::ZERO))
            .expect("a client");
        assert!(verifier.first_error_in_interval());
        assert!(!verifier.first_error_in_interval());
        std::thread::sleep(Duration::from_millis(60));
        assert!(verifier.first_error_in_interval());
    }
}
