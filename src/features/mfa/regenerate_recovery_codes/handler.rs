use crate::{
    domain::AuditAction,
    features::mfa::dto::Confirmation,
    http::{ApiError, Authenticated},
    infra::{clock::Clock, db},
    services::{
        audit::{AuditEntry, Provenance},
        credentials::{self, Confirming, CredentialCheck},
        mfa::{self, MfaError},
    },
};

/// Confirms the password and a code, then replaces the recovery codes in one transaction
/// (audited); the new ones, in the clear this once.
pub(super) async fn regenerate_recovery_codes(
    check: CredentialCheck<'_>,
    clock: &Clock,
    caller: &Authenticated,
    provenance: &Provenance,
    confirmation: Confirmation,
) -> Result<Vec<String>, ApiError> {
    let account = &caller.account;
    if !mfa::status(check.db, account.id).await?.enabled() {
        return Err(MfaError::NotEnabled.into());
    }
    let confirming = Confirming {
        operation: "regenerateRecoveryCodes",
        code: Some(&confirmation.code),
        provenance,
        now: clock.now(),
    };
    credentials::confirm_password(check, account, &confirmation.password, confirming).await?;
    let now = clock.now();
    let txn = db::begin_write(check.db).await?;
    let codes = mfa::replace_recovery_codes(&txn, account.id, now).await?;
    AuditEntry::new(AuditAction::RecoveryCodesRegenerated)
        .by_self(account.id)
        .record(&txn, provenance, now)
        .await?;
    txn.commit().await?;
    Ok(codes)
}
