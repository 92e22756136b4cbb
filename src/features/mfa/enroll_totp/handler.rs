use crate::{
    domain::Password,
    http::{ApiError, Authenticated},
    infra::{clock::Clock, security::totp::Enrolment},
    services::{
        audit::Provenance,
        credentials::{self, Confirming, CredentialCheck},
        mfa::{self, MfaError},
    },
};

/// Refuses an account that already has TOTP before any hash (remove it first), confirms the
/// password (charged and audited like a login), then stores a fresh secret, pending.
pub(super) async fn enroll_totp(
    check: CredentialCheck<'_>,
    clock: &Clock,
    caller: &Authenticated,
    provenance: &Provenance,
    password: Password,
) -> Result<Enrolment, ApiError> {
    let account = &caller.account;
    if mfa::status(check.db, account.id).await?.enabled() {
        return Err(MfaError::AlreadyEnabled.into());
    }
    let confirming = Confirming {
        operation: "enrollTotp",
        code: None,
        provenance,
        now: clock.now(),
    };
    credentials::confirm_password(check, account, &password, confirming).await?;
    Ok(mfa::start_totp(check.db, check.totp, account, clock.now()).await?)
}
