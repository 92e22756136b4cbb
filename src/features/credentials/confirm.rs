use chrono::{DateTime, Utc};
use sea_orm::DatabaseConnection;

use crate::{
    domain::{AuditAction, Password},
    features::audit::AuditEntry,
    http::{ApiError, Provenance, charge_failure, problem_kinds},
    infra::{
        db::entities::user,
        rate_limit::{RateLimits, Scope},
        security::PasswordHasher,
        telemetry::metrics::{self, SecurityRefusal},
    },
};

problem_kinds! {
    const WRONG_PASSWORD = 403, "wrong-password", "Wrong password",
        "the current password is incorrect";
}

/// 403 `wrong-password`: the current password did not match (or no longer matches: it
/// changed meanwhile).
pub(crate) fn wrong_password() -> ApiError {
    ApiError::new(&WRONG_PASSWORD)
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
/// one is audited (`password.check_failed`), counted, and refused with `wrong-password`.
pub(crate) async fn confirm_password(
    db: &DatabaseConnection,
    hasher: &PasswordHasher,
    limits: &RateLimits,
    account: &user::Model,
    password: &Password,
    confirming: Confirming<'_>,
) -> Result<(), ApiError> {
    let charge = charge_failure(limits, Scope::LoginFailures, &account.id.to_string()).await?;
    let verified = hasher.verify(password, Some(&account.password_hash)).await;
    if !matches!(verified, Ok(false)) {
        charge.forgive().await;
        return verified.map(drop).map_err(ApiError::from);
    }
    metrics::security_refusal(SecurityRefusal::WrongPassword);
    AuditEntry::new(AuditAction::PasswordCheckFailed)
        .by_self(account.id)
        .with("operation", confirming.operation)
        .record(db, confirming.provenance, confirming.now)
        .await?;
    Err(wrong_password())
}
