use chrono::{DateTime, Utc};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait, QueryFilter, QuerySelect,
    sea_query::{Query, SimpleExpr},
};
use uuid::Uuid;

use crate::{
    infra::db::entities::{recovery_code, totp_credential, user},
    services::passkeys,
};

/// An account's second factors.
pub(crate) struct MfaStatus {
    /// When its TOTP was confirmed; `None`: no TOTP (a pending enrolment does not count).
    pub totp_confirmed_at: Option<DateTime<Utc>>,
    pub recovery_codes_left: u64,
    /// Its passkeys: each signs in alone, and answers the second step of a password login.
    pub passkeys: u64,
}

impl MfaStatus {
    /// Whether a login needs a second step, and a sensitive change a code.
    pub(crate) fn enabled(&self) -> bool {
        self.totp_confirmed_at.is_some()
    }

    /// The methods a second step accepts, as the `mfa-required` problem lists them.
    pub(crate) fn methods(&self) -> Vec<&'static str> {
        let mut methods = Vec::new();
        if self.enabled() {
            methods.push("totp");
            if self.recovery_codes_left > 0 {
                methods.push("recovery_code");
            }
            if self.passkeys > 0 {
                methods.push("webauthn");
            }
        }
        methods
    }
}

/// The second factors of `user_id`.
pub(crate) async fn status(db: &impl ConnectionTrait, user_id: Uuid) -> Result<MfaStatus, DbErr> {
    let totp_confirmed_at = totp_credential::Entity::find_by_id(user_id)
        .select_only()
        .column(totp_credential::Column::ConfirmedAt)
        .into_tuple::<Option<DateTime<Utc>>>()
        .one(db)
        .await?
        .flatten();
    let recovery_codes_left = if totp_confirmed_at.is_some() {
        recovery_codes_left(db, user_id).await?
    } else {
        0
    };
    Ok(MfaStatus {
        totp_confirmed_at,
        recovery_codes_left,
        passkeys: passkeys::count(db, user_id).await?,
    })
}

/// The unused recovery codes of `user_id`.
pub(super) async fn recovery_codes_left(
    db: &impl ConnectionTrait,
    user_id: Uuid,
) -> Result<u64, DbErr> {
    recovery_code::Entity::find()
        .filter(recovery_code::Column::UserId.eq(user_id))
        .filter(recovery_code::Column::UsedAt.is_null())
        .count(db)
        .await
}

/// Accounts (`users.id`) with a confirmed second factor (`true`) or without one (`false`),
/// for narrowing a query of accounts.
pub(crate) fn accounts_with_second_factor(with: bool) -> SimpleExpr {
    let confirmed = Query::select()
        .column(totp_credential::Column::UserId)
        .from(totp_credential::Entity)
        .and_where(totp_credential::Column::ConfirmedAt.is_not_null())
        .to_owned();
    if with {
        user::Column::Id.in_subquery(confirmed)
    } else {
        user::Column::Id.not_in_subquery(confirmed)
    }
}
