use chrono::{DateTime, Utc};
use sea_orm::{DatabaseConnection, DbErr};

use crate::{
    domain::{AuditAction, Password},
    infra::{
        db::entities::user,
        rate_limit::{ChargeError, RateLimits, Scope},
        security::{HashError, PasswordHasher},
        telemetry::metrics::{self, SecurityRefusal},
    },
    services::audit::{AuditEntry, Provenance},
};

/// Why a password confirmation failed.
#[derive(Debug, thiserror::Error)]
pub(crate) enum ConfirmError {
    /// The current password did not match (or no longer matches: it changed meanwhile).
    #[error("the current password is incorrect")]
    WrongPassword,
    #[error(transparent)]
    Charge(#[from] ChargeError),
    #[error(transparent)]
    Hash(#[from] HashError),
    #[error(transparent)]
    Database(#[from] DbErr),
}

/// What a password confirmation is for: the operation's id (`operation` in the audit row).
pub(crate) struct Confirming<'a> {
    pub operation: &'static str,
    pub provenance: &'a Provenance,
    pub now: DateTime<Utc>,
}

/// Checks `password` against `account` as the bearer check read it, outside any
/// transaction (bcrypt is slow). The attempt is charged to the account's failed logins
/// (`RATE_LIMIT_LOGIN_FAILURES`, shared with the token endpoint) before the hash runs, so
/// concurrent guesses cannot pass the quota; a right password takes the charge back. A wrong
/// one is audited (`password.check_failed`), counted, and refused (`WrongPassword`).
pub(crate) async fn confirm_password(
    db: &DatabaseConnection,
    hasher: &PasswordHasher,
    limits: &RateLimits,
    account: &user::Model,
    password: &Password,
    confirming: Confirming<'_>,
) -> Result<(), ConfirmError> {
    let charge = limits
        .charge_failure(Scope::LoginFailures, &account.id.to_string())
        .await?;
    let verified = hasher.verify(password, Some(&account.password_hash)).await;
    if !matches!(verified, Ok(false)) {
        charge.forgive().await;
        return verified.map(drop).map_err(ConfirmError::from);
    }
    metrics::security_refusal(SecurityRefusal::WrongPassword);
    AuditEntry::new(AuditAction::PasswordCheckFailed)
        .by_self(account.id)
        .with("operation", confirming.operation)
        .record(db, confirming.provenance, confirming.now)
        .await?;
    Err(ConfirmError::WrongPassword)
}
