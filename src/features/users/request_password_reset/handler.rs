use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};

use super::command::RequestPasswordReset;
use crate::{
    http::ApiError,
    infra::{
        clock::Clock,
        db::entities::user,
        rate_limit::{RateLimits, Scope},
        security::sha256_hex,
    },
    services::password_reset,
};

/// Does the same work whether or not an account has the address, so neither the answer nor
/// its timing tells them apart: charges the client's and the address's reset quotas
/// (`RATE_LIMIT_PASSWORD_RESETS_PER_IP`, `RATE_LIMIT_PASSWORD_RESET_EMAILS`; the address
/// counts by its SHA-256, so the limiter's store holds no addresses), then looks the
/// account up. When there is one, its `user.password_reset_requested` event is recorded by
/// a task of its own, which the answer does not wait for (a write that only one of the two
/// cases made would show in the timing); a failure there is logged, and the e-mail can be
/// asked for again.
pub(super) async fn request_password_reset(
    db: &DatabaseConnection,
    clock: &Clock,
    limits: &RateLimits,
    client: &str,
    command: RequestPasswordReset,
) -> Result<(), ApiError> {
    let address = sha256_hex(command.email.as_str());
    let quotas = limits
        .acquire(&[
            (Scope::PasswordResetsPerIp, client),
            (Scope::PasswordResetEmails, &address),
        ])
        .await?;
    if let Some(refused) = quotas.into_iter().flatten().find(|d| !d.allowed) {
        return Err(ApiError::too_many_requests(&refused));
    }
    let account = user::Entity::find()
        .filter(user::Column::Email.eq(command.email.as_str()))
        .one(db)
        .await?;
    if let Some(account) = account {
        let (db, now) = (db.clone(), clock.now());
        tokio::spawn(async move {
            if let Err(err) = password_reset::request(&db, &account, now).await {
                tracing::error!(user_id = %account.id, error = %err,
                    "cannot queue a password-reset e-mail");
            }
        });
    }
    Ok(())
}
