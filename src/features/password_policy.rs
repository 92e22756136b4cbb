//! The policy every new password meets, at sign-up, change and reset (NIST SP 800-63B
//! 5.1.1.2), cheapest rule first: its length (checked when the request was parsed), then
//! zxcvbn's score against the account's own names, then, only if both pass, the breach
//! lookup (`PWNED_PASSWORDS_URL`; an unanswered lookup lets the password through).

use std::sync::Arc;

use crate::{
    domain::{FieldError, MinScore, Password, PasswordContext, assess},
    http::{ApiError, AppState},
    infra::pwned_passwords::BreachCheck,
};

/// The field error of a password found in the breach corpus.
const BREACHED: &str = "appears in a known data breach; choose another";

/// What a new password is checked with.
pub(crate) struct PasswordPolicy {
    min_score: MinScore,
    breaches: Arc<BreachCheck>,
}

impl PasswordPolicy {
    pub(crate) fn of(state: &AppState) -> Self {
        Self {
            min_score: state.min_password_score,
            breaches: state.breaches.clone(),
        }
    }

    /// `Err` (422 naming `field` and the rule that failed) when `password` is too easy to
    /// guess for the account `context` describes, or known to be breached. zxcvbn runs on
    /// the blocking pool: its worst case (72 bytes) costs milliseconds of CPU.
    pub(crate) async fn check(
        &self,
        field: &str,
        password: &Password,
        context: PasswordContext,
    ) -> Result<(), ApiError> {
        let (candidate, min_score) = (password.clone(), self.min_score);
        let strength = tokio::task::spawn_blocking(move || assess(&candidate, &context, min_score))
            .await
            .map_err(|err| ApiError::internal(&err))?;
        if let Err(weak) = strength {
            return Err(refused(field, weak.to_string()));
        }
        if self.breaches.is_breached(password).await {
            return Err(refused(field, BREACHED.into()));
        }
        Ok(())
    }
}

fn refused(field: &str, message: String) -> ApiError {
    ApiError::validation(vec![FieldError::new(field, message)])
}
