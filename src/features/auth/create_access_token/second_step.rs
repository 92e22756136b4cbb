use super::{
    command::Proof,
    error::Refusal,
    handler::{Grants, enabled_account, login_failed, open_session},
    passkey_grant::refused,
};
use crate::{
    http::ApiError,
    infra::{db, rate_limit::Scope, security::OneTimeToken},
    services::{
        audit::Provenance,
        mfa::{self, Challenge, MfaError},
        passkeys,
        sessions::{Amr, Device, Login, SessionTokens},
    },
};

/// The second step of a login: the `mfa_token` a right password got, and a code or a
/// passkey's assertion. The account is charged a failed login before the proof is judged
/// (forgiven when right), like a password. A passkey is verified first (its ceremony must
/// have been opened for this `mfa_token`). Then in one transaction the token is spent (one
/// success per token, whatever races), the code checked (a TOTP step is never accepted
/// twice; a recovery code is spent and mails the owner), and the session opened with `amr`
/// `pwd otp mfa` or `pwd hwk|swk user mfa`. A wrong proof rolls that back, counts against
/// the token (dead after 5) and is audited as a failed login.
pub(super) async fn mfa_grant(
    grants: &Grants<'_>,
    mfa_token: &str,
    proof: Proof,
    device: Device,
    provenance: &Provenance,
) -> Result<SessionTokens, ApiError> {
    let (db, now) = (grants.db, grants.clock.now());
    let challenge = Challenge::find(db, mfa_token, now)
        .await?
        .ok_or(Refusal::InvalidMfaToken)?;
    let account = enabled_account(
        grants,
        challenge.user_id,
        Refusal::InvalidMfaToken,
        provenance,
    )
    .await?;
    let failed = |reason: &str| login_failed(Some(account.id), reason);
    let charge = grants
        .limits
        .charge_failure(Scope::LoginFailures, &account.id.to_string())
        .await?;
    let code = match proof {
        Proof::Code(code) => code,
        Proof::Passkey(assertion) => {
            let token_hash = OneTimeToken::hash(mfa_token);
            let asserted = passkeys::finish_second_factor(
                db,
                grants.passkeys,
                account.id,
                &token_hash,
                assertion,
                now,
            )
            .await;
            let synced = match asserted {
                Ok(asserted) => passkeys::synced(&asserted.passkey),
                Err(err) => {
                    challenge.fail(db).await?;
                    failed("wrong_passkey").record(db, provenance, now).await?;
                    return Err(refused(grants, err, provenance).await);
                }
            };
            let txn = db::begin_write(db).await?;
            if !challenge.claim(&txn, now).await? {
                txn.rollback().await?;
                charge.forgive().await;
                return Err(Refusal::InvalidMfaToken.into());
            }
            charge.forgive().await;
            let login = Login {
                account: &account,
                device,
                amr: Amr::PasswordAndPasskey { synced },
            };
            let opened = open_session(grants, &txn, login, provenance, now).await?;
            txn.commit().await?;
            return Ok(opened);
        }
    };
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
