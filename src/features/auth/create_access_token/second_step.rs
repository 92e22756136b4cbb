use sea_orm::EntityTrait;

use super::{
    error::Refusal,
    handler::{Grants, open_session},
};
use crate::{
    domain::AuditAction,
    http::ApiError,
    infra::{
        db::{self, entities::user},
        rate_limit::Scope,
    },
    services::{
        audit::{AuditEntry, Provenance},
        mfa::{self, Challenge, Code, MfaError},
        sessions::{Amr, Device, Login, SessionTokens},
    },
};

/// The second step of a login: the `mfa_token` a right password got, and a code. The account
/// is charged a failed login before the code is judged (forgiven when right), like a
/// password. In one transaction the token is spent (one success per token, whatever races),
/// the code checked (a TOTP step is never accepted twice; a recovery code is spent and mails
/// the owner), and the session opened with `amr` `pwd otp mfa`. A wrong code rolls that back,
/// counts against the token (dead after 5) and is audited as a failed login.
pub(super) async fn mfa_grant(
    grants: &Grants<'_>,
    mfa_token: &str,
    code: Code,
    device: Device,
    provenance: &Provenance,
) -> Result<SessionTokens, ApiError> {
    let (db, now) = (grants.db, grants.clock.now());
    let challenge = Challenge::find(db, mfa_token, now)
        .await?
        .ok_or(Refusal::InvalidMfaToken)?;
    let account = user::Entity::find_by_id(challenge.user_id)
        .one(db)
        .await?
        .ok_or(Refusal::InvalidMfaToken)?;
    let failed = |reason: &str| {
        AuditEntry::new(AuditAction::LoginFailed)
            .on(account.id)
            .with("reason", reason)
    };
    if account.disabled_at.is_some() {
        failed("account_disabled")
            .record(db, provenance, now)
            .await?;
        return Err(Refusal::AccountDisabled.into());
    }
    let charge = grants
        .limits
        .charge_failure(Scope::LoginFailures, &account.id.to_string())
        .await?;
    let txn = db::begin_write(db).await?;
    if !challenge.claim(&txn, now).await? {
        txn.rollback().await?;
        charge.forgive().await;
        return Err(Refusal::InvalidMfaToken.into());
    }
    match mfa::verify(&txn, grants.totp, &account, &code, provenance, now).await {
        Ok(_) => charge.forgive().await,
        Err(MfaError::WrongCode) => {
            txn.rollback().await?;
            challenge.fail(db).await?;
            failed("wrong_mfa_code").record(db, provenance, now).await?;
            return Err(Refusal::InvalidMfaCode.into());
        }
        Err(err) => return Err(err.into()),
    }
    let login = Login {
        account: &account,
        device,
        amr: Amr::PasswordAndOtp,
    };
    let opened = open_session(grants, &txn, login, provenance, now).await?;
    txn.commit().await?;
    Ok(opened)
}
