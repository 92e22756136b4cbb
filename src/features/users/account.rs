//! What the account slices share: the reputation check of a new address, a taken username or
//! address, an account gone while its token was in flight.

use sea_orm::DbErr;

use crate::{
    domain::{Email, FieldError},
    http::ApiError,
    infra::{
        db,
        email_verifier::{EmailVerifier, Verdict},
    },
};

/// The reputation check of a new address: a rejection is a 422 naming the failed check;
/// an address the provider cannot judge passes (fail open).
pub(super) async fn check_reputation(
    verifier: &EmailVerifier,
    email: &Email,
) -> Result<(), ApiError> {
    match verifier.verify(email.as_str()).await? {
        Verdict::Rejected(rejection) => Err(ApiError::validation(vec![FieldError::new(
            "email",
            rejection.message(),
        )])),
        Verdict::Accepted | Verdict::Unknown => Ok(()),
    }
}

/// Maps a violation of a unique index of `users` to a 409 naming its field; other errors pass
/// through.
pub(super) fn taken_or(err: DbErr) -> ApiError {
    let field = match db::violated_constraint(&err) {
        Some("ux_users_email") => "email",
        Some("ux_users_username_lower") => "username",
        _ => return err.into(),
    };
    ApiError::conflict(FieldError::new(field, "is already taken"))
}

/// The account no longer exists (deleted while its token was still in flight).
pub(super) fn account_gone() -> ApiError {
    ApiError::not_found("account")
}
