//! The caller's second factors: TOTP with recovery codes (`services::mfa`). A login of an
//! account with one takes a second step at the token endpoint (`auth/create_access_token`).

mod confirm_totp;
mod delete_totp;
mod dto;
mod enroll_totp;
mod get_mfa;
mod regenerate_recovery_codes;

/// This area's slices, in document order.
pub(super) type Slices = (
    get_mfa::GetMfaRoute,
    enroll_totp::EnrollTotpRoute,
    confirm_totp::ConfirmTotpRoute,
    delete_totp::DeleteTotpRoute,
    regenerate_recovery_codes::RegenerateRecoveryCodesRoute,
);
