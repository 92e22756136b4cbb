use crate::{
    features::oidc::{
        pages::{Opening, refusal},
        posted::{Proof, open_session},
    },
    http::ApiError,
    services::{
        audit::Provenance,
        mfa::{Code, Totp},
        sessions::{Amr, Device, Login},
        sign_in::{self, PasswordCheck},
    },
};

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
) -> Result<Proof, ApiError> {
    let proven = sign_in::prove_code(check, totp, mfa_token, code, provenance).await;
    let (account, txn) = match proven {
        Ok(proven) => proven,
        Err(err) => return refusal(err).map(Proof::Refused),
    };
    let login = Login {
        account: &account,
        device,
        amr: Amr::PasswordAndOtp,
    };
    open_session(txn, opening, login, provenance, check.clock.now()).await
}
