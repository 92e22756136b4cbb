use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};
use uuid::Uuid;

use super::{challenge::forget_challenges, recovery_codes};
use crate::infra::db::entities::totp_credential;

/// Removes every second factor of `user_id` (TOTP, pending or not, and recovery codes) and
/// its open second steps, in the caller's transaction; whether it had a confirmed one.
pub(crate) async fn remove_all(txn: &impl ConnectionTrait, user_id: Uuid) -> Result<bool, DbErr> {
    let confirmed = totp_credential::Entity::delete_many()
        .filter(totp_credential::Column::UserId.eq(user_id))
        .filter(totp_credential::Column::ConfirmedAt.is_not_null())
        .exec(txn)
        .await?
        .rows_affected
        > 0;
    totp_credential::Entity::delete_many()
        .filter(totp_credential::Column::UserId.eq(user_id))
        .exec(txn)
        .await?;
    recovery_codes::delete_all(txn, user_id).await?;
    forget_challenges(txn, user_id).await?;
    Ok(confirmed)
}
