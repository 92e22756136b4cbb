use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, sea_query::Expr};

use super::{MfaError, Totp, recovery_codes, status::recovery_codes_left};
use crate::{
    domain::{AuditAction, EventEnvelope, EventType, UserEventData},
    infra::{
        db::entities::{totp_credential, user},
        events::outbox,
        security::totp::matching_step,
        telemetry::metrics::{self, MfaEvent, SecurityRefusal},
    },
    services::audit::{AuditEntry, Provenance},
};

/// A second-factor code as typed: six digits (spaces allowed) are a TOTP code, anything
/// else a recovery code.
#[derive(Debug)]
pub(crate) enum Code {
    Totp(String),
    Recovery(String),
}

impl Code {
    pub(crate) fn parse(typed: &str) -> Self {
        let digits: String = typed.chars().filter(|c| *c != ' ').collect();
        if digits.len() == 6 && digits.bytes().all(|b| b.is_ascii_digit()) {
            Self::Totp(digits)
        } else {
            Self::Recovery(typed.to_owned())
        }
    }
}

/// Checks `code` against `account`'s confirmed TOTP or unused recovery codes, in the caller's
/// transaction. A TOTP code is good one 30-second step either side of `now` and only if its
/// step is newer than the last accepted one (no replay, even of an older unused code); a
/// secret sealed with a key that is no longer current is sealed again with the current one.
/// A recovery code is spent, audited, and mails the owner how many are left. A wrong code
/// writes nothing (`WrongCode`); the caller audits it where it knows what it was for.
pub(crate) async fn verify(
    txn: &impl ConnectionTrait,
    totp: &Totp,
    account: &user::Model,
    code: &Code,
    provenance: &Provenance,
    now: DateTime<Utc>,
) -> Result<(), MfaError> {
    let accepted = match code {
        Code::Totp(digits) => check_totp(txn, totp, account, digits, now).await?,
        Code::Recovery(typed) => spend_recovery_code(txn, account, typed, provenance, now).await?,
    };
    if accepted {
        return Ok(());
    }
    metrics::mfa(MfaEvent::CodeRefused);
    metrics::security_refusal(SecurityRefusal::WrongMfaCode);
    Err(MfaError::WrongCode)
}

async fn check_totp(
    txn: &impl ConnectionTrait,
    totp: &Totp,
    account: &user::Model,
    digits: &str,
    now: DateTime<Utc>,
) -> Result<bool, MfaError> {
    let Some(row) = totp_credential::Entity::find_by_id(account.id)
        .filter(totp_credential::Column::ConfirmedAt.is_not_null())
        .one(txn)
        .await?
    else {
        return Ok(false);
    };
    let secret = totp.open(&row)?;
    let Some(step) = matching_step(&secret, digits, now) else {
        return Ok(false);
    };
    let mut update = totp_credential::Entity::update_many()
        .col_expr(totp_credential::Column::LastStep, Expr::value(step));
    if row.key_id != totp.keys.current_id() {
        let resealed = totp.seal(account.id, &secret);
        update = update
            .col_expr(
                totp_credential::Column::SealedSecret,
                Expr::value(resealed.text),
            )
            .col_expr(totp_credential::Column::KeyId, Expr::value(resealed.key_id));
    }
    // Concurrent requests with one code: the first moves `last_step`, the rest find it moved.
    let newer = Condition::any()
        .add(totp_credential::Column::LastStep.is_null())
        .add(totp_credential::Column::LastStep.lt(step));
    let accepted = update
        .filter(totp_credential::Column::UserId.eq(account.id))
        .filter(newer)
        .exec(txn)
        .await?
        .rows_affected
        == 1;
    if accepted {
        metrics::mfa(MfaEvent::TotpAccepted);
    }
    Ok(accepted)
}

async fn spend_recovery_code(
    txn: &impl ConnectionTrait,
    account: &user::Model,
    typed: &str,
    provenance: &Provenance,
    now: DateTime<Utc>,
) -> Result<bool, MfaError> {
    if !recovery_codes::spend(txn, account.id, typed, now).await? {
        return Ok(false);
    }
    let left = recovery_codes_left(txn, account.id).await?;
    let data = UserEventData {
        recovery_codes_left: Some(u32::try_from(left).unwrap_or(u32::MAX)),
        ..UserEventData::from(account)
    };
    outbox::append(
        txn,
        &EventEnvelope::new(EventType::RecoveryCodeUsed, data, now),
    )
    .await?;
    AuditEntry::new(AuditAction::RecoveryCodeUsed)
        .by_self(account.id)
        .with("recovery_codes_left", left)
        .record(txn, provenance, now)
        .await?;
    metrics::mfa(MfaEvent::RecoveryCodeUsed);
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::Code;

    #[test]
    fn six_digits_are_a_totp_code_and_anything_else_a_recovery_code() {
        assert!(matches!(Code::parse("123456"), Code::Totp(d) if d == "123456"));
        assert!(matches!(Code::parse("123 456"), Code::Totp(d) if d == "123456"));
        for typed in ["12345", "1234567", "abcde-fghjk", "12345a", ""] {
            assert!(matches!(Code::parse(typed), Code::Recovery(_)), "{typed}");
        }
    }
}
