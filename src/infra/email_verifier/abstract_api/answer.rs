//! What AbstractAPI's answer comes to: a verdict, or the kind of failure.

use std::time::Duration;

use reqwest::StatusCode;
use serde::Deserialize;

use crate::infra::email_verifier::{Rejection, Verdict};

/// What one call to the provider came to.
#[derive(Debug, PartialEq)]
pub(super) enum Outcome {
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

/// Sorts the provider's answer: a verdict from a 2xx, else what went wrong.
pub(super) fn classify(status: StatusCode, retry_after: Option<Duration>, body: &[u8]) -> Outcome {
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

    use super::{Outcome, classify};
    use crate::infra::email_verifier::{Rejection, Verdict};

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
}
