//! The `passkeys` rows of an account.

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, IntoActiveModel,
    PaginatorTrait, QueryFilter, QuerySelect, Set,
};
use uuid::Uuid;
use webauthn_rs::prelude::{CredentialID, Passkey};

use super::PasskeyError;
use crate::infra::db::entities::passkey;

/// `user_id`'s passkeys, with their webauthn-rs credentials.
pub(super) async fn all_of(
    db: &impl ConnectionTrait,
    user_id: Uuid,
) -> Result<Vec<(passkey::Model, Passkey)>, PasskeyError> {
    let rows = passkey::Entity::find()
        .filter(passkey::Column::UserId.eq(user_id))
        .all(db)
        .await?;
    rows.into_iter()
        .map(|row| {
            let credential = credential(&row)?;
            Ok((row, credential))
        })
        .collect()
}

/// The credential ids of `user_id`'s passkeys (excluded from a new registration).
pub(super) async fn credential_ids(
    db: &impl ConnectionTrait,
    user_id: Uuid,
) -> Result<Vec<CredentialID>, PasskeyError> {
    let ids: Vec<String> = passkey::Entity::find()
        .select_only()
        .column(passkey::Column::CredentialId)
        .filter(passkey::Column::UserId.eq(user_id))
        .into_tuple()
        .all(db)
        .await?;
    Ok(ids
        .iter()
        .filter_map(|id| URL_SAFE_NO_PAD.decode(id).ok())
        .collect())
}

/// The passkey with credential id `raw_id`, if `user_id` owns it.
pub(super) async fn by_credential(
    db: &impl ConnectionTrait,
    user_id: Uuid,
    raw_id: &[u8],
) -> Result<(passkey::Model, Passkey), PasskeyError> {
    let row = passkey::Entity::find()
        .filter(passkey::Column::CredentialId.eq(URL_SAFE_NO_PAD.encode(raw_id)))
        .filter(passkey::Column::UserId.eq(user_id))
        .one(db)
        .await?
        .ok_or(PasskeyError::UnknownPasskey)?;
    let credential = credential(&row)?;
    Ok((row, credential))
}

/// How many passkeys `user_id` has.
pub(crate) async fn count(db: &impl ConnectionTrait, user_id: Uuid) -> Result<u64, DbErr> {
    passkey::Entity::find()
        .filter(passkey::Column::UserId.eq(user_id))
        .count(db)
        .await
}

/// The passkey `id`, if `user_id` owns it.
pub(crate) async fn find_owned(
    db: &impl ConnectionTrait,
    user_id: Uuid,
    id: Uuid,
) -> Result<Option<passkey::Model>, DbErr> {
    passkey::Entity::find_by_id(id)
        .filter(passkey::Column::UserId.eq(user_id))
        .one(db)
        .await
}

/// Renames the passkey `id` of `user_id`; `None` when it is not theirs.
pub(crate) async fn rename(
    db: &impl ConnectionTrait,
    user_id: Uuid,
    id: Uuid,
    name: String,
) -> Result<Option<passkey::Model>, DbErr> {
    let Some(row) = find_owned(db, user_id, id).await? else {
        return Ok(None);
    };
    let mut row = row.into_active_model();
    row.name = Set(name);
    row.update(db).await.map(Some)
}

/// Deletes the passkey `id` of `user_id`; `false` when it is not theirs (or already gone).
pub(crate) async fn delete_owned(
    db: &impl ConnectionTrait,
    user_id: Uuid,
    id: Uuid,
) -> Result<bool, DbErr> {
    let deleted = passkey::Entity::delete_many()
        .filter(passkey::Column::Id.eq(id))
        .filter(passkey::Column::UserId.eq(user_id))
        .exec(db)
        .await?;
    Ok(deleted.rows_affected == 1)
}

/// Deletes every passkey of `user_id` (an administrator's reset); how many went.
pub(crate) async fn remove_all(db: &impl ConnectionTrait, user_id: Uuid) -> Result<u64, DbErr> {
    let deleted = passkey::Entity::delete_many()
        .filter(passkey::Column::UserId.eq(user_id))
        .exec(db)
        .await?;
    Ok(deleted.rows_affected)
}

/// Records a verified use of `row`: its new credential state, counter and flags. The
/// counter only moves forward, compared in the statement: `false` when another sign-in
/// stored this count or a later one first (the same signature twice, or a clone).
pub(super) async fn record_use(
    db: &impl ConnectionTrait,
    row: &passkey::Model,
    updated: &Passkey,
    now: DateTime<Utc>,
) -> Result<bool, PasskeyError> {
    let internals = webauthn_rs::prelude::Credential::from(updated.clone());
    let counter = i64::from(internals.counter);
    let mut update = passkey::Entity::update_many()
        .col_expr(passkey::Column::SignCount, counter.into())
        .col_expr(
            passkey::Column::Credential,
            serde_json::to_string(updated)
                .map_err(PasskeyError::state)?
                .into(),
        )
        .col_expr(
            passkey::Column::BackupEligible,
            internals.backup_eligible.into(),
        )
        .col_expr(passkey::Column::BackedUp, internals.backup_state.into())
        .col_expr(passkey::Column::LastUsedAt, Some(now).into())
        .filter(passkey::Column::Id.eq(row.id));
    if counter > 0 {
        update = update.filter(passkey::Column::SignCount.lt(counter));
    }
    Ok(update.exec(db).await?.rows_affected == 1)
}

/// Whether `row` is a synced passkey (backup eligible: it lives in a cloud keychain) rather
/// than bound to one device: `swk` or `hwk` in `amr` (RFC 8176).
pub(crate) fn synced(row: &passkey::Model) -> bool {
    row.backup_eligible
}

pub(super) fn credential(row: &passkey::Model) -> Result<Passkey, PasskeyError> {
    serde_json::from_str(&row.credential).map_err(PasskeyError::state)
}
