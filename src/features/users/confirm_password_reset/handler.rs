use sea_orm::{
    ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, TransactionTrait, sea_query::Expr,
};

use super::command::ConfirmPasswordReset;
use crate::{
    domain::AuditAction,
    features::{
        credentials,
        password_reset::{self, Refusal},
    },
    http::{ApiError, Provenance},
    infra::{clock::Clock, db::entities::user, security::PasswordHasher},
};

/// Hashes the new password first (bcrypt is slow), then one transaction claims the token
/// (see `password_reset::claim`: of two uses exactly one wins), sets the password, marks the
/// address confirmed (reading the e-mail proved it; `claim` refuses a token mailed to an
/// address the account no longer has) and does what follows a password change
/// (`credentials::password_changed`: every session ends).
pub(super) async fn confirm_password_reset(
    db: &DatabaseConnection,
    clock: &Clock,
    hasher: &PasswordHasher,
    provenance: &Provenance,
    command: ConfirmPasswordReset,
) -> Result<(), ApiError> {
    let new_hash = hasher.hash(&command.new_password).await?;
    let now = clock.now();
    let txn = db.begin().await?;
    let reset = password_reset::claim(&txn, &command.token, now).await?;
    let updated = user::Entity::update_many()
        .col_expr(user::Column::PasswordHash, Expr::value(new_hash))
        .col_expr(user::Column::EmailVerified, Expr::value(true))
        .col_expr(user::Column::UpdatedAt, Expr::value(now))
        .filter(user::Column::Id.eq(reset.user_id))
        .filter(user::Column::Email.eq(reset.email.as_str()))
        .exec_with_returning(&txn)
        .await?;
    // The token's row goes with its account (FK cascade), and `claim` checked the address:
    // this is a deletion or an address change racing us.
    let user = updated.into_iter().next().ok_or(Refusal::Unknown)?;
    // The token holder acts as the account: reading its e-mail proved it.
    credentials::password_changed(
        &txn,
        &user,
        None,
        AuditAction::PasswordReset,
        provenance,
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(())
}
