//! The e-mail reputation check at sign-up: AbstractAPI's Email Reputation API, or a null
//! verifier that accepts every address (the default, so the embedded run needs no key).

mod abstract_api;
mod cache;
mod settings;

use std::time::Duration;

pub(crate) use abstract_api::AbstractApiVerifier;
pub(crate) use cache::VerdictCache;
pub use settings::EmailVerifierSettings;

use crate::infra::telemetry::metrics;

/// What the provider said about an address.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Verdict {
    Accepted,
    Rejected(Rejection),
    /// No usable answer (provider undecided, slow or garbled): sign-up proceeds.
    Unknown,
}

/// The check an address failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Rejection {
    InvalidFormat,
    Undeliverable,
    Disposable,
}

impl Rejection {
    /// The field error shown to the client.
    pub(crate) fn message(self) -> &'static str {
        match self {
            Self::InvalidFormat => "failed the format check: this is not a valid e-mail address",
            Self::Undeliverable => {
                "failed the deliverability check: this address does not accept mail"
            }
            Self::Disposable => "failed the disposable-address check: use a permanent address",
        }
    }
}

/// The provider cannot answer, through no fault of the client: sign-up waits (503).
#[derive(Debug, thiserror::Error)]
pub(crate) enum VerifierError {
    #[error("the e-mail verification service refused our credentials")]
    Unauthorized { retry_after: Duration },
    #[error("the e-mail verification service is unavailable")]
    Unavailable { retry_after: Duration },
}

impl VerifierError {
    pub(crate) fn retry_after(&self) -> Duration {
        match self {
            Self::Unauthorized { retry_after } | Self::Unavailable { retry_after } => *retry_after,
        }
    }
}

/// The verifier's state as the health endpoint reports it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum VerifierStatus {
    Ok,
    /// The last call to the provider failed.
    Degraded,
    Disabled,
}

/// The two verifiers behind one interface.
pub(crate) enum EmailVerifier {
    /// Accepts every address.
    Null,
    AbstractApi(Box<AbstractApiVerifier>),
}

impl EmailVerifier {
    pub(crate) async fn verify(&self, email: &str) -> Result<Verdict, VerifierError> {
        match self {
            Self::Null => Ok(Verdict::Accepted),
            Self::AbstractApi(api) => {
                let verdict = api.verify(email).await;
                metrics::email_check(match &verdict {
                    Ok(Verdict::Accepted) => "accepted",
                    Ok(Verdict::Rejected(Rejection::InvalidFormat)) => "invalid_format",
                    Ok(Verdict::Rejected(Rejection::Undeliverable)) => "undeliverable",
                    Ok(Verdict::Rejected(Rejection::Disposable)) => "disposable",
                    Ok(Verdict::Unknown) => "unknown",
                    Err(_) => "unavailable",
                });
                verdict
            }
        }
    }

    pub(crate) fn status(&self) -> VerifierStatus {
        match self {
            Self::Null => VerifierStatus::Disabled,
            Self::AbstractApi(api) => api.status(),
        }
    }
}
