use std::time::Duration;

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait,
    ModelTrait, QueryFilter, Set, sea_query::Expr,
};

use super::{MfaError, Totp, recovery_codes::replace_recovery_codes};
use crate::{
    domain::{AuditAction, EventType},
    infra::{
        clock::{earlier, later},
        db::{
            self,
            entities::{totp_credential, user},
        },
        events::outbox,
        security::totp::{self, Enrolment, matching_step},
        telemetry::metrics::{self, MfaEvent},
    },
    services::audit::{AuditEntry, Provenance},
};

/// How long an enrolment waits for its first code.
pub(crate) const PENDING_FOR: Duration = Duration::from_secs(15 * 60);

/// Starts a TOTP enrolment for `account`: a fresh secret, sealed and stored pending (an older
/// pending one is replaced); what an authenticator app needs to add it. Refused when the
/// account already has TOTP (remove it first).
pub(crate) async fn start_totp(
    db: &DatabaseConnection,
    totp: &Totp,
    account: &user::Model,
    now: DateTime<Utc>,
) -> Result<Enrolment, MfaError> {
    let txn = db::begin_write(db).await?;
    if let Some(existing) = totp_credential::Entity::find_by_id(account.id)
        .one(&txn)
        .await?
    {
        if existing.confirmed_at.is_some() {
            return Err(MfaError::AlreadyEnabled);
        }
        existing.delete(&txn).await?;
    }
    let secret = totp::new_secret();
    let sealed = totp.seal(account.id, &secret);
    totp_credential::ActiveModel {
        user_id: Set(account.id),
        sealed_secret: Set(sealed.text),
        key_id: Set(sealed.key_id),
        created_at: Set(now),
        confirmed_at: Set(None),
        last_step: Set(None),
    }
    .insert(&txn)
    .await?;
    txn.commit().await?;
    Ok(totp::enrolment(&secret, &totp.issuer, &account.username))
}

/// Forgets the pending enrolments past their 15 minutes; how many.
pub(super) async fn forget_expired_enrolments(
    db: &impl ConnectionTrait,
    now: DateTime<Utc>,
) -> Result<u64, DbErr> {
    let expired = totp_credential::Entity::delete_many()
        .filter(totp_credential::Column::ConfirmedAt.is_null())
        .filter(totp_credential::Column::CreatedAt.lte(earlier(now, PENDING_FOR)))
        .exec(db)
        .await?;
    Ok(expired.rows_affected)
}

/// Confirms `account`'s pending enrolment with a code from the app: TOTP is on (the code's
/// step is its first accepted one), ten recovery codes replace any older ones and are
/// returned this once, the owner is mailed, and it is audited.
pub(crate) async fn confirm_totp(
    db: &DatabaseConnection,
    totp: &Totp,
    account: &user::Model,
    code: &str,
    provenance: &Provenance,
    now: DateTime<Utc>,
) -> Result<Vec<String>, MfaError> {
    let txn = db::begin_write(db).await?;
    let row = totp_credential::Entity::find_by_id(account.id)
        .one(&txn)
        .await?
        .ok_or(MfaError::NoPendingEnrolment)?;
    if row.confirmed_at.is_some() {
        return Err(MfaError::AlreadyEnabled);
    }
    if later(row.created_at, PENDING_FOR) <= now {
        return Err(MfaError::NoPendingEnrolment);
    }
    let secret = totp.open(&row)?;
    let digits: String = code.chars().filter(|c| *c != ' ').collect();
    let step = matching_step(&secret, &digits, now).ok_or_else(|| {
        metrics::mfa(MfaEvent::CodeRefused);
        MfaError::WrongCode
    })?;
    let confirmed = totp_credential::Entity::update_many()
        .col_expr(totp_credential::Column::ConfirmedAt, Expr::value(now))
        .col_expr(totp_credential::Column::LastStep, Expr::value(step))
        .filter(totp_credential::Column::UserId.eq(account.id))
        .filter(totp_credential::Column::ConfirmedAt.is_null())
        .exec(&txn)
        .await?;
    if confirmed.rows_affected != 1 {
        return Err(MfaError::AlreadyEnabled);
    }
    let codes = replace_recovery_codes(&txn, account.id, now).await?;
    outbox::record(&txn, EventType::MfaEnabled, account, now).await?;
    AuditEntry::new(AuditAction::TotpEnabled)
        .by_self(account.id)
        .record(&txn, provenance, now)
        .await?;
    txn.commit().await?;
    metrics::mfa(MfaEvent::Enabled);
    Ok(codes)
}
