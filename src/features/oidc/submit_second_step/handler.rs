use crate::{
    features::oidc::pages::{Opening, refusal},
    http::ApiError,
    services::{
        audit::Provenance,
        mfa::{Code, Totp},
        sessions::{Amr, BrowserSession, Device, Login},
        sign_in::{self, PasswordCheck},
    },
};

/// How the code went.
pub(super) enum Proven {
    /// A browser session, and its cookie's value.
    Session(BrowserSession, String),
    /// Refused, in words for the page.
    Refused(&'static str),
}

/// Judges the code as every second step does (`sign_in::prove_code`: charged as a failed
/// login until right, the token spent once, a TOTP step never twice, a recovery code
/// spent); the right one opens a browser session with `amr` `pwd otp mfa` in the same
/// transaction.
pub(super) async fn prove_second_step(
    check: &PasswordCheck<'_>,
    opening: &Opening<'_>,
    totp: &Totp,
    mfa_token: &str,
    code: &Code,
    device: Device,
    provenance: &Provenance,
) -> Result<Proven, ApiError> {
    let proven = sign_in::prove_code(check, totp, mfa_token, code, provenance).await;
    let (account, txn) = match proven {
        Ok(proven) => proven,
        Err(err) => return refusal(err).map(Proven::Refused),
    };
    let login = Login {
        account: &account,
        device,
        amr: Amr::PasswordAndOtp,
    };
    let now = check.clock.now();
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
    Ok(Proven::Session(session, cookie))
}
