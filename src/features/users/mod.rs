//! Registration and the caller's own account.

mod change_password;
mod confirm_email_verification;
mod confirm_password_reset;
mod create_user;
mod delete_current_user;
mod dto;
mod get_current_user;
mod request_email_verification;
mod request_password_reset;
mod update_current_user;

use sea_orm::DbErr;

use self::dto::User;

/// This area's slices, in document order.
pub(super) type Slices = (
    create_user::CreateUserRoute,
    get_current_user::GetCurrentUserRoute,
    update_current_user::UpdateCurrentUserRoute,
    delete_current_user::DeleteCurrentUserRoute,
    request_email_verification::RequestEmailVerificationRoute,
    confirm_email_verification::ConfirmEmailVerificationRoute,
    change_password::ChangePasswordRoute,
    request_password_reset::RequestPasswordResetRoute,
    confirm_password_reset::ConfirmPasswordResetRoute,
);
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
async fn check_reputation(verifier: &EmailVerifier, email: &Email) -> Result<(), ApiError> {
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
fn taken_or(err: DbErr) -> ApiError {
    let field = match db::violated_constraint(&err) {
        Some("ux_users_email") => "email",
        Some("ux_users_username_lower") => "username",
        _ => return err.into(),
    };
    ApiError::conflict(FieldError::new(field, "is already taken"))
}

/// The account no longer exists (deleted while its token was still in flight).
fn account_gone() -> ApiError {
    ApiError::not_found("account")
}
