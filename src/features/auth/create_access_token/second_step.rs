use super::{
    command::Proof,
    error::Refusal,
    handler::{Grants, enabled_account, open_session, refused as sign_in_refused},
    passkey_grant::refused,
};
use crate::{
    http::ApiError,
    infra::{db, rate_limit::Scope, security::OneTimeToken},
    services::{
        audit::Provenance,
        mfa::Challenge,
        passkeys,
        sessions::{Amr, Device, Login, SessionTokens},
        sign_in::{self, login_failed},
    },
};

/// The second step of a login: the `mfa_token` a right password got, and a code or a
/// passkey's assertion. A code is judged as every sign-in judges it (`sign_in::prove_code`);
/// the session opens in the transaction that spent the token, with `amr` `pwd otp mfa`.
/// A passkey is verified first (its ceremony must have been opened for this `mfa_token`),
/// the account charged a failed login before (forgiven when right), then the token spent
/// and the session opened with `amr` `pwd hwk|swk user mfa`; a refused assertion counts
/// against the token (dead after 5) and is audited as a failed login.
pub(super) async fn mfa_grant(
    grants: &Grants<'_>,
    mfa_token: &str,
    proof: Proof,
    device: Device,
    provenance: &Provenance,
) -> Result<SessionTokens, ApiError> {
    let (db, now) = (grants.db, grants.clock.now());
    let assertion = match proof {
        Proof::Passkey(assertion) => assertion,
        Proof::Code(code) => {
            let check = grants.password_check();
            let (account, txn) =
                sign_in::prove_code(&check, grants.totp, mfa_token, &code, provenance)
                    .await
                    .map_err(sign_in_refused)?;
            let login = Login {
                account: &account,
                device,
                amr: Amr::PasswordAndOtp,
            };
            let opened = open_session(grants, &txn, login, provenance, now).await?;
            txn.commit().await?;
            return Ok(opened);
        }
    };
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
    let charge = grants
        .limits
        .charge_failure(Scope::LoginFailures, &account.id.to_string())
        .await?;
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
            login_failed(Some(account.id), "wrong_passkey")
                .record(db, provenance, now)
                .await?;
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
    Ok(opened)
}
