//! The second step's code: a TOTP code or a recovery code answering an `mfa_token`.

use sea_orm::DatabaseTransaction;

use super::{PasswordCheck, SignInError, enabled_account, login_failed};
use crate::{
    infra::{
        db::{self, entities::user},
        rate_limit::Scope,
    },
    services::{
        audit::Provenance,
        mfa::{self, Challenge, Code, MfaError, Totp},
    },
};

/// Answers the second step of a login with a code. The account is charged a failed login
/// before the code is judged (forgiven when right), like a password. In one transaction,
/// handed back open so the caller opens its session in it, the token is spent (one success
/// per token, whatever races) and the code checked (a TOTP step is never accepted twice; a
/// recovery code is spent and mails the owner). A wrong code rolls that back, counts
/// against the token (dead after 5) and is audited as a failed login.
pub(crate) async fn prove_code(
    check: &PasswordCheck<'_>,
    totp: &Totp,
    mfa_token: &str,
    code: &Code,
    provenance: &Provenance,
) -> Result<(user::Model, DatabaseTransaction), SignInError> {
    let (db, now) = (check.db, check.clock.now());
    let challenge = Challenge::find(db, mfa_token, now)
        .await?
        .ok_or(SignInError::InvalidMfaToken)?;
    let account = enabled_account(
        db,
        challenge.user_id,
        SignInError::InvalidMfaToken,
        provenance,
        now,
    )
    .await?;
    let charge = check
        .limits
        .charge_failure(Scope::LoginFailures, &account.id.to_string())
        .await?;
    let txn = db::begin_write(db).await?;
    if !challenge.claim(&txn, now).await? {
        txn.rollback().await?;
        charge.forgive().await;
        return Err(SignInError::InvalidMfaToken);
    }
    match mfa::verify(&txn, totp, &account, code, provenance, now).await {
        Ok(()) => charge.forgive().await,
        Err(MfaError::WrongCode) => {
            txn.rollback().await?;
            challenge.fail(db).await?;
            login_failed(Some(account.id), "wrong_mfa_code")
                .record(db, provenance, now)
                .await?;
            return Err(SignInError::InvalidMfaCode);
        }
        Err(err) => return Err(SignInError::Mfa(err)),
    }
    Ok((account, txn))
}
