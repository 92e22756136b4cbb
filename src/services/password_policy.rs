//! The policy every new password meets, at sign-up, change and reset (NIST SP 800-63B
//! 5.1.1.2), cheapest rule first: its length (checked when the request was parsed), then
//! zxcvbn's score against the account's own names, then, only if both pass, the breach
//! lookup (`PWNED_PASSWORDS_URL`; an unanswered lookup lets the password through).

use std::sync::Arc;

use tokio::task::JoinError;

use crate::{
    domain::{FieldError, MinScore, Password, PasswordContext, assess},
    infra::pwned_passwords::BreachCheck,
};

/// The field error of a password found in the breach corpus.
const BREACHED: &str = "appears in a known data breach; choose another";

/// What a new password is checked with.
pub(crate) struct PasswordPolicy {
    min_score: MinScore,
    breaches: Arc<BreachCheck>,
}

/// Why a new password was not accepted.
#[derive(Debug, thiserror::Error)]
pub(crate) enum PolicyError {
    /// Too easy to guess, or breached: the field and the rule that failed.
    #[error("the new password was refused: {}", .0.message)]
    Refused(FieldError),
    /// The strength check did not finish (its blocking task panicked or was cancelled).
    #[error("the password strength check did not finish: {0}")]
    Unfinished(#[from] JoinError),
}

impl PasswordPolicy {
    /// `PASSWORD_MIN_SCORE` and the breach lookup (`PWNED_PASSWORDS_*`).
    pub(crate) fn new(min_score: MinScore, breaches: Arc<BreachCheck>) -> Self {
        Self {
            min_score,
            breaches,
        }
    }

    /// `Refused` (naming `field` and the rule that failed) when `password` is too easy to
    /// guess for the account `context` describes, or known to be breached. zxcvbn runs on
    /// the blocking pool: its worst case (72 bytes) costs milliseconds of CPU.
    pub(crate) async fn check(
        &self,
        field: &str,
        password: &Password,
        context: PasswordContext,
    ) -> Result<(), PolicyError> {
        let (candidate, min_score) = (password.clone(), self.min_score);
        let strength =
            tokio::task::spawn_blocking(move || assess(&candidate, &context, min_score)).await?;
        if let Err(weak) = strength {
            return Err(PolicyError::Refused(FieldError::new(
                field,
                weak.to_string(),
            )));
        }
        if self.breaches.is_breached(password).await {
            return Err(PolicyError::Refused(FieldError::new(field, BREACHED)));
        }
        Ok(())
    }
}
