use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, TransactionTrait, sea_query::Expr};

use super::command::ChangePassword;
use crate::{
    domain::{AuditAction, PasswordContext},
    http::{ApiError, Authenticated},
    infra::{clock::Clock, db::entities::user},
    services::{
        audit::Provenance,
        credentials::{self, ConfirmError, Confirming, CredentialCheck},
        password_policy::PasswordPolicy,
    },
};

/// Checks the new password against the policy (the account's username and address as
/// context) before anything costs a hash, then confirms the current password
/// and, when the account has a second factor, `code` (`credentials::confirm_password`:
/// charged to the account's failed logins, audited when wrong). The new password is hashed, then one transaction sets it only if the hash is
/// still the one checked and does what follows a password change
/// (`credentials::password_changed`), keeping the caller's session.
pub(super) async fn change_password(
    check: CredentialCheck<'_>,
    clock: &Clock,
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
        code: command.code.as_deref(),
        provenance,
        now: clock.now(),
    };
    credentials::confirm_password(check, account, &command.current, confirming).await?;
    let (db, new_hash) = (check.db, check.hasher.hash(&command.new).await?);
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
