use sea_orm::DatabaseConnection;

use super::{command::ConfirmEmail, error::REFUSED};
use crate::{
    domain::AuditAction,
    http::ApiError,
    infra::{
        clock::Clock,
        db::{self, entities::user},
    },
    services::{
        audit::{AuditEntry, Provenance},
        email_confirmation,
    },
};

/// Spends the token and confirms the address it was sent to (see `email_confirmation::claim`),
/// audited in the same transaction; a refusal drops it, so the token stays unused.
pub(super) async fn confirm_email(
    db: &DatabaseConnection,
    clock: &Clock,
    provenance: &Provenance,
    command: ConfirmEmail,
) -> Result<user::Model, ApiError> {
    let now = clock.now();
    let txn = db::begin_write(db).await?;
    let claimed = email_confirmation::claim(&txn, &command.token, now).await;
    let user = claimed.map_err(|err| REFUSED.of(err))?;
    AuditEntry::new(AuditAction::EmailConfirmed)
        .by_self(user.id)
        .with("email", user.email.clone())
        .record(&txn, provenance, now)
        .await?;
    txn.commit().await?;
    Ok(user)
}
