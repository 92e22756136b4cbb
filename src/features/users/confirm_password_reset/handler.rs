use sea_orm::{
    ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, TransactionTrait,
    sea_query::{Expr, ExprTrait},
};

use super::command::ConfirmPasswordReset;
use crate::{
    domain::{AuditAction, EventType, PasswordContext},
    features::{
        audit::AuditEntry,
        password_policy::PasswordPolicy,
        password_reset::{self, Refusal},
        sessions,
    },
    http::{ApiError, Provenance},
    infra::{clock::Clock, db::entities::user, events::outbox, security::PasswordHasher},
};

/// Finds the token's account without spending the token and checks the new password against
/// the policy with the account's username and address as context (a refused password leaves
/// the token usable). Then hashes the new password (bcrypt is slow), then one transaction
/// claims the token
/// (see `password_reset::claim`: of two uses exactly one wins), sets the password, marks the
/// address confirmed while the account still has the one the token was mailed to (reading
/// the e-mail proved it), ends every session of the account, spends its other reset tokens
/// and records `user.password_changed` (the owner is mailed).
pub(super) async fn confirm_password_reset(
    db: &DatabaseConnection,
    clock: &Clock,
    hasher: &PasswordHasher,
    policy: &PasswordPolicy,
    provenance: &Provenance,
    command: ConfirmPasswordReset,
) -> Result<(), ApiError> {
    let account = password_reset::holder(db, &command.token, clock.now()).await?;
    let context = PasswordContext::of(&account.username, &account.email);
    policy
        .check("new_password", &command.new_password, context)
        .await?;
    let new_hash = hasher.hash(&command.new_password).await?;
    let now = clock.now();
    let txn = db.begin().await?;
    let reset = password_reset::claim(&txn, &command.token, now).await?;
    let mailed_here = Expr::col(user::Column::Email).eq(reset.email.as_str());
    let verified = Expr::case(mailed_here, true).finally(Expr::col(user::Column::EmailVerified));
    let updated = user::Entity::update_many()
        .col_expr(user::Column::PasswordHash, Expr::value(new_hash))
        .col_expr(user::Column::EmailVerified, verified.into())
        .col_expr(user::Column::UpdatedAt, Expr::value(now))
        .filter(user::Column::Id.eq(reset.user_id))
        .exec_with_returning(&txn)
        .await?;
    // The token's row goes with its account (FK cascade), so this is a deletion racing us.
    let user = updated.into_iter().next().ok_or(Refusal::Unknown)?;
    sessions::end_all(&txn, user.id, None, now).await?;
    password_reset::spend_all(&txn, user.id, now).await?;
    outbox::record(&txn, EventType::PasswordChanged, &user, now).await?;
    // The token holder acts as the account: reading its e-mail proved it.
    AuditEntry::new(AuditAction::PasswordReset)
        .by_self(user.id)
        .record(&txn, provenance, now)
        .await?;
    txn.commit().await?;
    Ok(())
}
