//! Consent: the scopes an account granted a third-party client, asked once per scope, listed
//! and revocable by the account.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait,
    QueryFilter, QueryOrder, Set,
};
use uuid::Uuid;

use crate::{
    domain::{
        AuditAction,
        oauth::{Scope, parse_scopes},
    },
    infra::db::{
        self,
        entities::{oauth_client, oauth_consent as consent},
    },
    services::{
        audit::{AuditEntry, Provenance},
        sessions,
    },
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

/// Remembers that the account granted `client_id` `scopes`, besides what it granted before,
/// audited as `consent.granted` naming the scopes it adds.
pub(crate) async fn remember(
    db: &DatabaseConnection,
    user_id: Uuid,
    client_id: Uuid,
    scopes: &[Scope],
    provenance: &Provenance,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let txn = db::begin_write(db).await?;
    let before = consent::Entity::find_by_id((user_id, client_id))
        .one(&txn)
        .await?;
    let mut all = before
        .as_ref()
        .map(|row| parse_scopes(&row.scopes).unwrap_or_default())
        .unwrap_or_default();
    let added: Vec<Scope> = scopes
        .iter()
        .filter(|s| !all.contains(s))
        .copied()
        .collect();
    all.extend(&added);
    let row = consent::ActiveModel {
        user_id: Set(user_id),
        client_id: Set(client_id),
        scopes: Set(names(&all)),
        granted_at: Set(now),
    };
    match before {
        Some(_) => row.update(&txn).await.map(drop)?,
        None => row.insert(&txn).await.map(drop)?,
    }
    AuditEntry::new(AuditAction::ConsentGranted)
        .by_self(user_id)
        .with("client_id", client_id.to_string())
        .with("scopes", names(&added))
        .record(&txn, provenance, now)
        .await?;
    txn.commit().await
}

/// A remembered consent, with its client's name.
pub(crate) struct Consent {
    pub client_id: Uuid,
    pub client_name: String,
    pub scopes: Vec<Scope>,
    pub granted_at: DateTime<Utc>,
}

/// The account's remembered consents, the latest first.
pub(crate) async fn list(db: &impl ConnectionTrait, user_id: Uuid) -> Result<Vec<Consent>, DbErr> {
    let rows = consent::Entity::find()
        .filter(consent::Column::UserId.eq(user_id))
        .find_also_related(oauth_client::Entity)
        .order_by_desc(consent::Column::GrantedAt)
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(row, client)| {
            Some(Consent {
                client_id: row.client_id,
                client_name: client?.name,
                scopes: parse_scopes(&row.scopes).unwrap_or_default(),
                granted_at: row.granted_at,
            })
        })
        .collect())
}

/// Forgets the account's consent to `client_id` and ends the sessions that client holds
/// for it (their tokens stop working), audited as `consent.revoked`; `None` when there was
/// no consent, else how many sessions ended.
pub(crate) async fn revoke(
    db: &DatabaseConnection,
    user_id: Uuid,
    client_id: Uuid,
    provenance: &Provenance,
    now: DateTime<Utc>,
) -> Result<Option<u64>, DbErr> {
    let txn = db::begin_write(db).await?;
    let forgotten = consent::Entity::delete_by_id((user_id, client_id))
        .exec(&txn)
        .await?
        .rows_affected;
    if forgotten == 0 {
        return Ok(None);
    }
    let ended = sessions::end_of_client(&txn, user_id, client_id, now).await?;
    AuditEntry::new(AuditAction::ConsentRevoked)
        .by_self(user_id)
        .with("client_id", client_id.to_string())
        .with("sessions", ended)
        .record(&txn, provenance, now)
        .await?;
    txn.commit().await?;
    Ok(Some(ended))
}

fn names(scopes: &[Scope]) -> String {
    scopes
        .iter()
        .map(|s| s.as_str())
        .collect::<Vec<_>>()
        .join(" ")
}
