use crate::{
    features::oidc::{
        pages::{Opening, refusal},
        posted::{Proof, open_session},
    },
    http::ApiError,
    infra::db,
    services::{
        audit::Provenance,
        passkeys::{self, PasskeyError, Passkeys},
        sessions::{Amr, Device, Login},
        sign_in::{self, PasswordCheck},
    },
};

/// What the page says of a passkey that does not sign in.
const PASSKEY_REFUSED: &str = "That passkey was not accepted. Try again, or use your password.";

/// Verifies the assertion as the token endpoint's passkey grant does (an open sign-in,
/// single use; the discoverable credential names the account; a regressed counter is
/// reported to the owner), refuses a disabled or (with `REQUIRE_VERIFIED_EMAIL`)
/// unconfirmed account, and opens a browser session with the passkey's `amr`. A passkey
/// with user verification is a second factor in itself: no second step follows.
pub(super) async fn sign_in_with_passkey(
    check: &PasswordCheck<'_>,
    opening: &Opening<'_>,
    passkeys: &Passkeys,
    assertion: &str,
    device: Device,
    provenance: &Provenance,
) -> Result<Proof, ApiError> {
    let (db, now) = (check.db, check.clock.now());
    let Ok(assertion) = serde_json::from_str(assertion) else {
        return Ok(Proof::Refused(PASSKEY_REFUSED));
    };
    let asserted = match passkeys::finish_sign_in(db, passkeys, assertion, now).await {
        Ok(asserted) => asserted,
        Err(PasskeyError::CounterRegressed {
            user_id,
            passkey_id,
        }) => {
            passkeys::report_counter_regression(db, user_id, passkey_id, provenance, now).await?;
            return Ok(Proof::Refused(PASSKEY_REFUSED));
        }
        Err(
            PasskeyError::Malformed(_)
            | PasskeyError::NoCeremony
            | PasskeyError::Refused(_)
            | PasskeyError::UnknownPasskey,
        ) => return Ok(Proof::Refused(PASSKEY_REFUSED)),
        Err(err) => return Err(err.into()),
    };
    let account = sign_in::passkey_account(check, asserted.user_id, provenance).await;
    let account = match account {
        Ok(account) => account,
        Err(err) => return refusal(err).map(Proof::Refused),
    };
    let txn = db::begin_write(db).await?;
    let login = Login {
        account: &account,
        device,
        amr: Amr::Passkey {
            synced: passkeys::synced(&asserted.passkey),
        },
    };
    open_session(txn, opening, login, provenance, now).await
}
