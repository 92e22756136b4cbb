use super::{
    error::Refusal,
    handler::{Grants, enabled_account, not_verified, open_session},
};
use crate::{
    domain::FieldError,
    http::ApiError,
    infra::db,
    services::{
        audit::Provenance,
        passkeys::{self, PasskeyError},
        sessions::{Amr, Device, Login, SessionTokens},
        sign_in::login_failed,
    },
};

/// A sign-in with a passkey alone: the assertion answers an open sign-in (single use), and
/// its discoverable credential names the account. It opens the session with `amr`
/// `hwk`/`swk` `user mfa` (user verification is required), unless the account is disabled
/// or, with `REQUIRE_VERIFIED_EMAIL`, unconfirmed, as for a password.
pub(super) async fn passkey_grant(
    grants: &Grants<'_>,
    assertion: serde_json::Value,
    device: Device,
    provenance: &Provenance,
) -> Result<SessionTokens, ApiError> {
    let (db, now) = (grants.db, grants.clock.now());
    let asserted = passkeys::finish_sign_in(db, grants.passkeys, assertion, now).await;
    let asserted = match asserted {
        Ok(asserted) => asserted,
        Err(err) => return Err(refused(grants, err, provenance).await),
    };
    let account = enabled_account(
        grants,
        asserted.user_id,
        Refusal::InvalidPasskey,
        provenance,
    )
    .await?;
    if grants.require_verified_email && !account.email_verified {
        login_failed(Some(account.id), "email_not_verified")
            .record(db, provenance, now)
            .await?;
        return not_verified(grants, &account).await;
    }
    let txn = db::begin_write(db).await?;
    let login = Login {
        account: &account,
        device,
        amr: Amr::Passkey {
            synced: passkeys::synced(&asserted.passkey),
        },
    };
    let opened = open_session(grants, &txn, login, provenance, now).await?;
    txn.commit().await?;
    Ok(opened)
}

/// How a passkey that does not sign in reads at the token endpoint: a malformed assertion
/// names the field; a cloned authenticator's is reported to its owner; every other
/// refusal is alike (`invalid-passkey`), audited as a failed login when it names an
/// account.
pub(super) async fn refused(
    grants: &Grants<'_>,
    err: PasskeyError,
    provenance: &Provenance,
) -> ApiError {
    let now = grants.clock.now();
    match err {
        PasskeyError::Malformed(message) => {
            ApiError::validation(vec![FieldError::new("assertion", message)])
        }
        PasskeyError::CounterRegressed {
            user_id,
            passkey_id,
        } => {
            let reported = passkeys::report_counter_regression(
                grants.db, user_id, passkey_id, provenance, now,
            )
            .await;
            match reported {
                Ok(()) => Refusal::InvalidPasskey.into(),
                Err(err) => err.into(),
            }
        }
        PasskeyError::NoCeremony
        | PasskeyError::Refused(_)
        | PasskeyError::UnknownPasskey
        | PasskeyError::NoPasskeys
        | PasskeyError::AlreadyRegistered => Refusal::InvalidPasskey.into(),
        PasskeyError::NotConfigured | PasskeyError::State(_) | PasskeyError::Database(_) => {
            err.into()
        }
    }
}
