use sea_orm::{
    ColumnTrait, EntityTrait, QueryFilter, TransactionTrait,
    sea_query::{Expr, ExprTrait},
};

use super::command::{UpdateUser, password_required};
use crate::{
    domain::{AuditAction, EventEnvelope, EventType, UserEventData},
    features::users::account::{account_gone, check_reputation, taken_or},
    http::ApiError,
    infra::{clock::Clock, db::entities::user, email_verifier::EmailVerifier, events::outbox},
    services::{
        audit::{AuditEntry, Provenance},
        credentials::{self, Confirming, CredentialCheck},
        email_confirmation, password_reset,
    },
};

/// A change of address (one that differs from the caller's, as the bearer check read it)
/// is the way a stolen access token would take the account over, so it first needs the
/// current password and, for an account with a second factor, `code`
/// (`credentials::confirm_password`: charged and audited like a login),
/// then the reputation check, then room in the account's quota of confirmation e-mails
/// (`RATE_LIMIT_VERIFICATION_EMAILS`: one account cannot mail any number of addresses).
/// Then one `UPDATE ... RETURNING`: a new e-mail resets `email_verified` in the same
/// statement, so a concurrent change cannot leave a stale flag; the `user.updated` event
/// commits with it, and with a new address: the confirmation request, the account's
/// pending reset tokens spent, and `user.email_changed` to the old address.
pub(super) async fn update_user(
    check: CredentialCheck<'_>,
    clock: &Clock,
    verifier: &EmailVerifier,
    provenance: &Provenance,
    command: UpdateUser,
) -> Result<user::Model, ApiError> {
    match (command.new_email(), &command.current_password) {
        (Some(email), Some(password)) => {
            let confirming = Confirming {
                operation: "updateCurrentUser",
                code: command.code.as_deref(),
                provenance,
                now: clock.now(),
            };
            credentials::confirm_password(check, &command.account, password, confirming).await?;
            check_reputation(verifier, email).await?;
            if let Some(refused) =
                email_confirmation::charge_quota(check.limits, command.account.id).await?
            {
                return Err(ApiError::too_many_requests(&refused));
            }
        }
        (Some(_), None) => return Err(ApiError::validation(vec![password_required()])),
        (None, _) => {}
    }
    let txn = check.db.begin().await?;
    let (now, previous) = (clock.now(), command.account);
    let mut update = user::Entity::update_many()
        .col_expr(user::Column::UpdatedAt, Expr::value(now))
        .filter(user::Column::Id.eq(previous.id));
    if let Some(username) = command.username {
        update = update.col_expr(user::Column::Username, Expr::value(username.into_inner()));
    }
    if let Some(locale) = command.locale {
        update = update.col_expr(user::Column::Locale, Expr::value(locale.into_inner()));
    }
    if let Some(email) = command.email {
        let unchanged = Expr::col(user::Column::Email).eq(email.as_str());
        let verified = Expr::case(unchanged, Expr::col(user::Column::EmailVerified)).finally(false);
        update = update
            .col_expr(user::Column::EmailVerified, verified.into())
            .col_expr(user::Column::Email, Expr::value(email.into_inner()));
    }
    let updated = update.exec_with_returning(&txn).await.map_err(taken_or)?;
    let user = updated.into_iter().next().ok_or_else(account_gone)?;
    outbox::record(&txn, EventType::UserUpdated, &user, now).await?;
    if user.email != previous.email {
        email_confirmation::request(&txn, &user, now).await?;
        password_reset::spend_all(&txn, user.id, now).await?;
        let notice = UserEventData {
            new_email: Some(user.email.clone()),
            locale: user.locale.clone(),
            ..UserEventData::from(&previous)
        };
        outbox::append(
            &txn,
            &EventEnvelope::new(EventType::EmailChanged, notice, now),
        )
        .await?;
        AuditEntry::new(AuditAction::EmailChanged)
            .by_self(user.id)
            .with("from", previous.email.as_str())
            .with("to", user.email.clone())
            .record(&txn, provenance, now)
            .await?;
    }
    txn.commit().await?;
    Ok(user)
}
