use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, sea_query::Expr};

use super::Totp;
use crate::infra::db::entities::totp_credential;

/// What `reseal_all` did.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Resealed {
    /// Sealed again with the current key.
    pub resealed: u64,
    /// Sealed with a key no longer listed (or altered): left as they are; those accounts
    /// need their second factor reset.
    pub unreadable: u64,
}

/// Seals every TOTP secret not sealed with the current key again with it, so the older keys
/// can be retired from `MFA_ENCRYPTION_KEY`. Each row is updated only if it still holds what
/// was read, so a concurrent enrolment or removal is never overwritten.
pub(crate) async fn reseal_all(db: &impl ConnectionTrait, totp: &Totp) -> Result<Resealed, DbErr> {
    let stale = totp_credential::Entity::find()
        .filter(totp_credential::Column::KeyId.ne(totp.keys.current_id()))
        .all(db)
        .await?;
    let mut outcome = Resealed::default();
    for row in stale {
        let Ok(secret) = totp.open(&row) else {
            outcome.unreadable += 1;
            continue;
        };
        let sealed = totp.seal(row.user_id, &secret);
        totp_credential::Entity::update_many()
            .col_expr(
                totp_credential::Column::SealedSecret,
                Expr::value(sealed.text),
            )
            .col_expr(totp_credential::Column::KeyId, Expr::value(sealed.key_id))
            .filter(totp_credential::Column::UserId.eq(row.user_id))
            .filter(totp_credential::Column::SealedSecret.eq(row.sealed_secret))
            .exec(db)
            .await?;
        outcome.resealed += 1;
    }
    Ok(outcome)
}
