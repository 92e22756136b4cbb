//! Registration and the caller's own account.

pub mod create_user;
pub mod delete_user;
mod dto;
pub mod get_current_user;
pub mod update_user;

use sea_orm::DbErr;

pub use create_user::CreateUserRoute;
pub use delete_user::DeleteUserRoute;
pub use dto::User;
pub use get_current_user::GetCurrentUserRoute;
pub use update_user::UpdateUserRoute;

use crate::{domain::FieldError, features::AppError, infra::db};

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
