use crate::{
    domain::{AuditAction, EventType},
    features::mfa::dto::Confirmation,
    http::{ApiError, Authenticated},
    infra::{
        clock::Clock,
        db,
        events::outbox,
        telemetry::metrics::{self, MfaEvent},
    },
    services::{
        audit::{AuditEntry, Provenance},
        credentials::{self, Confirming, CredentialCheck},
        mfa::{self, MfaError},
        sessions,
    },
};

/// Confirms the password and a code (a TOTP code or a recovery code), then in one
/// transaction removes every second factor, ends the account's other sessions (one may be a
/// thief's that is about to lose its hurdle), mails the owner and audits it.
pub(super) async fn delete_totp(
    check: CredentialCheck<'_>,
    clock: &Clock,
    caller: &Authenticated,
    provenance: &Provenance,
    confirmation: Confirmation,
) -> Result<(), ApiError> {
    let account = &caller.account;
    if !mfa::status(check.db, account.id).await?.enabled() {
        return Err(MfaError::NotEnabled.into());
    }
    let confirming = Confirming {
        operation: "deleteTotp",
        code: Some(&confirmation.code),
        provenance,
        now: clock.now(),
    };
    credentials::confirm_password(check, account, &confirmation.password, confirming).await?;
    let now = clock.now();
    let txn = db::begin_write(check.db).await?;
    if !mfa::remove_all(&txn, account.id).await? {
        return Err(MfaError::NotEnabled.into());
    }
    let ended = sessions::end_all(&txn, account.id, Some(caller.session_id), now).await?;
    outbox::record(&txn, EventType::MfaDisabled, account, now).await?;
    AuditEntry::new(AuditAction::TotpDisabled)
        .by_self(account.id)
        .with("sessions_ended", ended)
        .record(&txn, provenance, now)
        .await?;
    txn.commit().await?;
    metrics::mfa(MfaEvent::Disabled);
    Ok(())
}
