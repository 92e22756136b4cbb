use crate::{
    domain::Password,
    features::oidc::pages::{Opening, refusal},
    http::ApiError,
    infra::db,
    services::{
        audit::Provenance,
        sessions::{Amr, BrowserSession, Device, Login},
        sign_in::{self, Checked, PasswordCheck},
    },
};

/// How the password went.
pub(super) enum SignedIn {
    /// A browser session, and its cookie's value.
    Session(BrowserSession, String),
    /// The account has a second factor: the second step's token.
    SecondStep(String),
    /// Refused, in words for the page.
    Refused(&'static str),
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
        Err(err) => return refusal(err).map(SignedIn::Refused),
    };
    let now = check.clock.now();
    let txn = db::begin_write(check.db).await?;
    let login = Login {
        account: &account,
        device,
        amr: Amr::Password,
    };
    let (session, cookie) = sign_in::open_browser_session(
        &txn,
        opening.sessions,
        opening.new_sign_in,
        login,
        provenance,
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(SignedIn::Session(session, cookie))
}
