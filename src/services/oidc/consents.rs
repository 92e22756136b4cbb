//! Consent: the scopes an account granted a third-party client, asked once per scope.

use chrono::{DateTime, Utc};
use sea_orm::{ActiveModelTrait, ConnectionTrait, DbErr, EntityTrait, Set};
use uuid::Uuid;

use crate::{
    domain::oauth::{Scope, parse_scopes},
    infra::db::entities::oauth_consent as consent,
};

/// Whether the account granted `client_id` every one of `scopes`.
pub(crate) async fn covers(
    db: &impl ConnectionTrait,
    user_id: Uuid,
    client_id: Uuid,
    scopes: &[Scope],
) -> Result<bool, DbErr> {
    let granted = granted(db, user_id, client_id).await?;
    Ok(scopes.iter().all(|scope| granted.contains(scope)))
}

async fn granted(
    db: &impl ConnectionTrait,
    user_id: Uuid,
    client_id: Uuid,
) -> Result<Vec<Scope>, DbErr> {
    let row = consent::Entity::find_by_id((user_id, client_id))
        .one(db)
        .await?;
    Ok(row
        .map(|row| parse_scopes(&row.scopes).unwrap_or_default())
        .unwrap_or_default())
}

/// Remembers that the account granted `client_id` `scopes`, besides what it granted before.
pub(crate) async fn remember(
    db: &impl ConnectionTrait,
    user_id: Uuid,
    client_id: Uuid,
    scopes: &[Scope],
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let before = consent::Entity::find_by_id((user_id, client_id))
        .one(db)
        .await?;
    let mut all = before
        .as_ref()
        .map(|row| parse_scopes(&row.scopes).unwrap_or_default())
        .unwrap_or_default();
    all.extend(
        scopes
            .iter()
            .filter(|s| !all.contains(s))
            .copied()
            .collect::<Vec<_>>(),
    );
    let names = all.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(" ");
    let row = consent::ActiveModel {
        user_id: Set(user_id),
        client_id: Set(client_id),
        scopes: Set(names),
        granted_at: Set(now),
    };
    match before {
        Some(_) => row.update(db).await.map(drop),
        None => row.insert(db).await.map(drop),
    }
}
