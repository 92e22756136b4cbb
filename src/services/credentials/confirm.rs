use chrono::{DateTime, Utc};
use sea_orm::{DatabaseConnection, DbErr};
use uuid::Uuid;

use crate::{
    domain::{AuditAction, Password},
    infra::{
        db::{self, entities::user},
        rate_limit::{ChargeError, RateLimits, Scope},
        security::{HashError, PasswordHasher, SealError},
        telemetry::metrics::{self, SecurityRefusal},
    },
    services::{
        audit::{AuditEntry, Provenance},
        mfa::{self, Code, MfaError, Totp},
    },
};

/// Why a password confirmation failed.
#[derive(Debug, thiserror::Error)]
pub(crate) enum ConfirmError {
    /// The current password did not match (or no longer matches: it changed meanwhile).
    #[error("the current password is incorrect")]
    WrongPassword,
    /// The account has a second factor and no `code` came with the password.
    #[error("a second-factor code is required")]
    CodeRequired,
    /// The `code` is not a current TOTP code nor an unused recovery code of the account.
    #[error("the second-factor code is wrong, expired or already used")]
    WrongCode,
    #[error(transparent)]
    Seal(#[from] SealError),
    #[error(transparent)]
    Charge(#[from] ChargeError),
    #[error(transparent)]
    Hash(#[from] HashError),
    #[error(transparent)]
    Database(#[from] DbErr),
}

/// What checking an account's credentials needs.
#[derive(Clone, Copy)]
pub(crate) struct CredentialCheck<'a> {
    pub db: &'a DatabaseConnection,
    pub hasher: &'a PasswordHasher,
    pub limits: &'a RateLimits,
    pub totp: &'a Totp,
}

/// What a confirmation is for (the operation's id, `operation` in the audit row), and the
/// second-factor `code` that came with the password, if any.
pub(crate) struct Confirming<'a> {
    pub operation: &'static str,
    pub code: Option<&'a str>,
    pub provenance: &'a Provenance,
    pub now: DateTime<Utc>,
}

impl From<MfaError> for ConfirmError {
    fn from(err: MfaError) -> Self {
        match err {
            MfaError::WrongCode
            | MfaError::AlreadyEnabled
            | MfaError::NotEnabled
            | MfaError::NoPendingEnrolment => Self::WrongCode,
            MfaError::Seal(err) => Self::Seal(err),
            MfaError::Database(err) => Self::Database(err),
        }
    }
}

/// Checks `password` against `account` as the bearer check read it, outside any
/// transaction (bcrypt is slow). The attempt is charged to the account's failed logins
/// (`RATE_LIMIT_LOGIN_FAILURES`, shared with the token endpoint) before the hash runs, so
/// concurrent guesses cannot pass the quota; a right password takes the charge back. A wrong
/// one is audited (`password.check_failed`), counted, and refused (`WrongPassword`). Then,
/// for an account with a second factor, the `code` too (`confirm_code`).
pub(crate) async fn confirm_password(
    check: CredentialCheck<'_>,
    account: &user::Model,
    password: &Password,
    confirming: Confirming<'_>,
) -> Result<(), ConfirmError> {
    let CredentialCheck {
        db, hasher, limits, ..
    } = check;
    let charge = limits
        .charge_failure(Scope::LoginFailures, &account.id.to_string())
        .await?;
    let verified = hasher.verify(password, Some(&account.password_hash)).await;
    if !matches!(verified, Ok(false)) {
        charge.forgive().await;
        verified?;
        return confirm_code(check, account, confirming).await;
    }
    metrics::security_refusal(SecurityRefusal::WrongPassword);
    AuditEntry::new(AuditAction::PasswordCheckFailed)
        .by_self(account.id)
        .with("operation", confirming.operation)
        .record(db, confirming.provenance, confirming.now)
        .await?;
    Err(ConfirmError::WrongPassword)
}

/// For an account with a second factor, checks the confirming `code` (a TOTP code or a
/// recovery code, which it spends), charged to the account's failed logins like a password;
/// a wrong one is audited (`mfa.code_failed`) and refused. Without a second factor the code
/// is not needed and not looked at.
async fn confirm_code(
    check: CredentialCheck<'_>,
    account: &user::Model,
    confirming: Confirming<'_>,
) -> Result<(), ConfirmError> {
    let CredentialCheck { db, limits, .. } = check;
    if !mfa::status(db, account.id).await?.enabled() {
        return Ok(());
    }
    let code = Code::parse(confirming.code.ok_or(ConfirmError::CodeRequired)?);
    let charge = limits
        .charge_failure(Scope::LoginFailures, &account.id.to_string())
        .await?;
    let txn = db::begin_write(db).await?;
    let (provenance, now) = (confirming.provenance, confirming.now);
    match mfa::verify(&txn, check.totp, account, &code, provenance, now).await {
        Ok(_) => {
            txn.commit().await?;
            charge.forgive().await;
            Ok(())
        }
        Err(MfaError::WrongCode) => {
            txn.rollback().await?;
            code_failed(account.id, confirming.operation)
                .record(db, provenance, now)
                .await?;
            Err(ConfirmError::WrongCode)
        }
        Err(err) => Err(err.into()),
    }
}

/// The audit row of a wrong second-factor code, `operation` naming what it was for.
fn code_failed(account: Uuid, operation: &str) -> AuditEntry {
    AuditEntry::new(AuditAction::MfaCodeFailed)
        .by_self(account)
        .with("operation", operation)
}
