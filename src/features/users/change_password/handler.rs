use sea_orm::{
    ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, TransactionTrait, sea_query::Expr,
};

use super::{command::ChangePassword, error::wrong_password};
use crate::{
    domain::{AuditAction, EventType, PasswordContext},
    features::{audit::AuditEntry, password_policy::PasswordPolicy, password_reset, sessions},
    http::{ApiError, Authenticated, Provenance, refuse_if_spent},
    infra::{
        clock::Clock,
        db::entities::user,
        events::outbox,
        rate_limit::{RateLimits, Scope},
        security::PasswordHasher,
    },
};

/// Checks the new password against the policy (the account's username and address as
/// context) before anything costs a hash. Then checks the current password against the
/// account as the bearer check read it, outside
/// any transaction (bcrypt is slow); a wrong one counts as a failed login of the account
/// (`RATE_LIMIT_LOGIN_FAILURES`, shared with the token endpoint), and over that quota the
/// check is not even tried. The new password is hashed, then one transaction sets it only
/// if the hash is still the one checked, ends every session but `keep_session`, spends the
/// account's outstanding reset tokens and records `user.password_changed` (the owner is
/// mailed).
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
    let (account, keep_session) = (&caller.account, caller.session_id);
    let context = PasswordContext::of(&account.username, &account.email);
    policy.check("new_password", &command.new, context).await?;
    let attempts_key = account.id.to_string();
    refuse_if_spent(limits, Scope::LoginFailures, &attempts_key).await?;
    if !hasher
        .verify(&command.current, Some(&account.password_hash))
        .await?
    {
        limits
            .acquire(&[(Scope::LoginFailures, &attempts_key)])
            .await?;
        return Err(wrong_password());
    }
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
    let user = updated.into_iter().next().ok_or_else(wrong_password)?;
    sessions::end_all(&txn, user.id, Some(keep_session), now).await?;
    password_reset::spend_all(&txn, user.id, now).await?;
    outbox::record(&txn, EventType::PasswordChanged, &user, now).await?;
    AuditEntry::new(AuditAction::PasswordChanged)
        .by_self(user.id)
        .record(&txn, provenance, now)
        .await?;
    txn.commit().await?;
    Ok(())
}
