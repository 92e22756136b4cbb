use sea_orm::{
    ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, TransactionTrait, sea_query::Expr,
};

use super::{command::ConfirmPasswordReset, error::REFUSED};
use crate::{
    domain::{AuditAction, PasswordContext},
    http::ApiError,
    infra::{clock::Clock, db::entities::user, security::PasswordHasher},
    services::{
        audit::Provenance, credentials, password_policy::PasswordPolicy, password_reset,
        single_use_token::Refusal,
    },
};

/// Finds the token's account without spending the token and checks the new password against
/// the policy with the account's username and address as context (a refused password leaves
/// the token usable). Then hashes the new password (bcrypt is slow), then one transaction
/// claims the token (see `password_reset::claim`: of two uses exactly one wins), sets the
/// password, marks the
/// address confirmed (reading the e-mail proved it; `claim` refuses a token mailed to an
/// address the account no longer has) and does what follows a password change
/// (`credentials::password_changed`: every session ends).
pub(super) async fn confirm_password_reset(
    db: &DatabaseConnection,
    clock: &Clock,
    hasher: &PasswordHasher,
    policy: &PasswordPolicy,
    provenance: &Provenance,
    command: ConfirmPasswordReset,
) -> Result<(), ApiError> {
    let holder = password_reset::holder(db, &command.token, clock.now()).await;
    let account = holder.map_err(|err| REFUSED.of(err))?;
    let context = PasswordContext::of(&account.username, &account.email);
    policy
        .check("new_password", &command.new_password, context)
        .await?;
    let new_hash = hasher.hash(&command.new_password).await?;
    let now = clock.now();
    let txn = db.begin().await?;
    let claimed = password_reset::claim(&txn, &command.token, now).await;
    let reset = claimed.map_err(|err| REFUSED.of(err))?;
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
    let user = updated.into_iter().next();
    let user = user.ok_or_else(|| REFUSED.refused(Refusal::Unknown))?;
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
