use crate::{
    domain::Password,
    features::oidc::{
        pages::{Opening, refusal},
        posted::{Proof, open_session},
    },
    http::ApiError,
    infra::db,
    services::{
        audit::Provenance,
        sessions::{Amr, Device, Login},
        sign_in::{self, Checked, PasswordCheck},
    },
};

/// How the password went.
pub(super) enum SignedIn {
    /// Signed in, or refused.
    Proof(Proof),
    /// The account has a second factor: the second step's token.
    SecondStep(String),
}

/// Checks the password as every sign-in does (`sign_in::check_password`: counted failures,
/// a dummy hash for unknown accounts, audit, disabled accounts, `REQUIRE_VERIFIED_EMAIL`);
/// the right one opens a browser session, unless the account has a second step.
pub(super) async fn sign_in_with_password(
    check: &PasswordCheck<'_>,
    opening: &Opening<'_>,
    login: &str,
    password: Password,
    device: Device,
    provenance: &Provenance,
) -> Result<SignedIn, ApiError> {
    let checked = sign_in::check_password(check, login, &password, provenance).await;
    let account = match checked {
        Ok(Checked::Proven(account)) => account,
        Ok(Checked::SecondStep { mfa_token, .. }) => return Ok(SignedIn::SecondStep(mfa_token)),
        Err(err) => return Ok(SignedIn::Proof(Proof::Refused(refusal(err)?))),
    };
    let txn = db::begin_write(check.db).await?;
    let login = Login {
        account: &account,
        device,
        amr: Amr::Password,
    };
    let proof = open_session(txn, opening, login, provenance, check.clock.now()).await?;
    Ok(SignedIn::Proof(proof))
}
