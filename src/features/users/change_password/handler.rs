use sea_orm::{
    ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, TransactionTrait, sea_query::Expr,
};

use super::command::ChangePassword;
use crate::{
    domain::{AuditAction, PasswordContext},
    http::{ApiError, Authenticated},
    infra::{clock::Clock, db::entities::user, rate_limit::RateLimits, security::PasswordHasher},
    services::{
        audit::Provenance,
        credentials::{self, ConfirmError, Confirming},
        password_policy::PasswordPolicy,
    },
};

/// Checks the new password against the policy (the account's username and address as
/// context) before anything costs a hash, then confirms the current password
/// (`credentials::confirm_password`: charged to the account's failed logins, audited when
/// wrong). The new password is hashed, then one transaction sets it only if the hash is
/// still the one checked and does what follows a password change
/// (`credentials::password_changed`), keeping the caller's session.
#[expect(
    clippy::too_many_arguments,
    reason = "a handler's signature is the whole list of what it needs"
)]
pub(super) async fn change_password(
    db: &DatabaseConnection,
    clock: &Clock,
    hasher: &PasswordHasher,
    limits: &RateLimits,
    policy: &PasswordPolicy,
    caller: &Authenticated,
    provenance: &Provenance,
    command: ChangePassword,
) -> Result<(), ApiError> {
    let account = &caller.account;
    let context = PasswordContext::of(&account.username, &account.email);
    policy.check("new_password", &command.new, context).await?;
    let confirming = Confirming {
        operation: "changePassword",
        provenance,
        now: clock.now(),
    };
    credentials::confirm_password(db, hasher, limits, account, &command.current, confirming)
        .await?;
    let new_hash = hasher.hash(&command.new).await?;
    let now = clock.now();
    let txn = db.begin().await?;
    let updated = user::Entity::update_many()
        .col_expr(user::Column::PasswordHash, Expr::value(new_hash))
        .col_expr(user::Column::UpdatedAt, Expr::value(now))
        .filter(user::Column::Id.eq(account.id))
        .filter(user::Column::PasswordHash.eq(account.password_hash.clone()))
        .exec_with_returning(&txn)
        .await?;
    // Dropping the transaction changes nothing: the password changed since it was checked.
    let user = updated
        .into_iter()
        .next()
        .ok_or(ConfirmError::WrongPassword)?;
    let keep = Some(caller.session_id);
    credentials::password_changed(
        &txn,
        &user,
        keep,
        AuditAction::PasswordChanged,
        provenance,
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(())
}
