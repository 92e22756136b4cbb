//! Registration and the caller's own account.

pub mod confirm_email;
pub mod create_user;
pub mod delete_user;
mod dto;
pub mod get_current_user;
pub mod request_email_verification;
pub mod update_user;

use sea_orm::DbErr;

pub use confirm_email::ConfirmEmailRoute;
pub use create_user::CreateUserRoute;
pub use delete_user::DeleteUserRoute;
pub use dto::User;
pub use get_current_user::GetCurrentUserRoute;
pub use request_email_verification::RequestEmailVerificationRoute;
pub use update_user::UpdateUserRoute;

use crate::{
    domain::{Email, FieldError},
    features::AppError,
    infra::{
        db,
        email_verifier::{EmailVerifier, Verdict},
    },
};

/// The reputation check of a new address: a rejection is a 422 naming the failed check;
/// an address the provider cannot judge passes (fail open).
async fn check_reputation(verifier: &EmailVerifier, email: &Email) -> Result<(), AppError> {
    match verifier.verify(email.as_str()).await? {
        Verdict::Rejected(rejection) => Err(rejection.into()),
        Verdict::Accepted | Verdict::Unknown => Ok(()),
    }
}

/// Maps a unique violation on `users` to a 409 naming the field; other errors pass through.
fn taken_or(err: DbErr) -> AppError {
    match db::unique_violation(&err) {
        Some(constraint) if constraint.contains("email") => {
            AppError::Conflict(FieldError::new("email", "is already taken"))
        }
        Some(_) => AppError::Conflict(FieldError::new("username", "is already taken")),
        None => err.into(),
    }
}
