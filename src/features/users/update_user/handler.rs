use sea_orm::{
    ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, TransactionTrait,
    sea_query::{Expr, ExprTrait},
};

use super::command::UpdateUser;
use crate::{
    domain::{AuditAction, EventType},
    features::{
        audit::AuditEntry,
        email_confirmation,
        users::{account_gone, check_reputation, taken_or},
    },
    http::{ApiError, Provenance},
    infra::{clock::Clock, db::entities::user, email_verifier::EmailVerifier, events::outbox},
};

/// A new address (one that differs from `current_email`, the caller's address as the bearer
/// check read it) must pass the reputation check. Then one `UPDATE ... RETURNING`: a
/// new e-mail resets `email_verified` in the same statement, so a concurrent change cannot
/// leave a stale flag; the `user.updated` event (and, when the address changed, a
/// confirmation request) commits with it.
pub(super) async fn update_user(
    db: &DatabaseConnection,
    clock: &Clock,
    verifier: &EmailVerifier,
    current_email: &str,
    provenance: &Provenance,
    command: UpdateUser,
) -> Result<user::Model, ApiError> {
    let new_email = command
        .email
        .as_ref()
        .filter(|email| email.as_str() != current_email);
    if let Some(email) = new_email {
        check_reputation(verifier, email).await?;
    }
    let (now, email_given) = (clock.now(), command.email.is_some());
    let mut update = user::Entity::update_many()
        .col_expr(user::Column::UpdatedAt, Expr::value(now))
        .filter(user::Column::Id.eq(command.user_id));
    if let Some(username) = command.username {
        update = update.col_expr(user::Column::Username, Expr::value(username.into_inner()));
    }
    if let Some(email) = command.email {
        let unchanged = Expr::col(user::Column::Email).eq(email.as_str());
        let verified = Expr::case(unchanged, Expr::col(user::Column::EmailVerified)).finally(false);
        update = update
            .col_expr(user::Column::EmailVerified, verified.into())
            .col_expr(user::Column::Email, Expr::value(email.into_inner()));
    }
    let txn = db.begin().await?;
    let updated = update.exec_with_returning(&txn).await.map_err(taken_or)?;
    let user = updated.into_iter().next().ok_or_else(account_gone)?;
    outbox::record(&txn, EventType::UserUpdated, &user, now).await?;
    if email_given && user.email != current_email {
        email_confirmation::request(&txn, &user, now).await?;
        AuditEntry::new(AuditAction::EmailChanged)
            .by_self(user.id)
            .with("from", current_email)
            .with("to", user.email.clone())
            .record(&txn, provenance, now)
            .await?;
    }
    txn.commit().await?;
    Ok(user)
}
