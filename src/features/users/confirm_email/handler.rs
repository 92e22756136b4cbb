use sea_orm::DatabaseConnection;

use super::command::ConfirmEmail;
use crate::{
    features::email_confirmation, http::ApiError, infra::clock::Clock, infra::db::entities::user,
};

/// Spends the token and confirms the address it was sent to (see `email_confirmation::claim`).
pub(super) async fn confirm_email(
    db: &DatabaseConnection,
    clock: &Clock,
    command: ConfirmEmail,
) -> Result<user::Model, ApiError> {
    Ok(email_confirmation::claim(db, &command.token, clock.now()).await?)
}
