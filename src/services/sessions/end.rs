use chrono::{DateTime, Utc};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QuerySelect,
    TransactionTrait, sea_query::Expr,
};
use serde_json::Value;
use uuid::Uuid;

use crate::{
    domain::AuditAction,
    infra::{
        db::entities::{refresh_token, session},
        security::OneTimeToken,
        telemetry::metrics,
    },
    services::audit::{AuditEntry, Provenance},
};

/// Ends the account's session `session_id`; false when it has no such session still open.
pub(crate) async fn end(
    db: &impl ConnectionTrait,
    user_id: Uuid,
    session_id: Uuid,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let ended = revoke(now)
        .filter(session::Column::Id.eq(session_id))
        .filter(session::Column::UserId.eq(user_id))
        .exec(db)
        .await?;
    metrics::sessions_revoked(ended.rows_affected);
    Ok(ended.rows_affected > 0)
}

/// Ends every open session of the account but `keep`; the number ended.
pub(crate) async fn end_all(
    db: &impl ConnectionTrait,
    user_id: Uuid,
    keep: Option<Uuid>,
    now: DateTime<Utc>,
) -> Result<u64, DbErr> {
    let mut query = revoke(now).filter(session::Column::UserId.eq(user_id));
    if let Some(keep) = keep {
        query = query.filter(session::Column::Id.ne(keep));
    }
    let ended = query.exec(db).await?.rows_affected;
    metrics::sessions_revoked(ended);
    Ok(ended)
}

/// Ends the account's open sessions that `client_id` holds (opened by its codes); how many.
pub(crate) async fn end_of_client(
    db: &impl ConnectionTrait,
    user_id: Uuid,
    client_id: Uuid,
    now: DateTime<Utc>,
) -> Result<u64, DbErr> {
    let ended = revoke(now)
        .filter(session::Column::UserId.eq(user_id))
        .filter(session::Column::ClientId.eq(client_id))
        .exec(db)
        .await?
        .rows_affected;
    metrics::sessions_revoked(ended);
    Ok(ended)
}

/// Ends the session a refresh token belongs to (used or not): the account whose session
/// ended; an unknown token, or one whose session had already ended, ends nothing.
pub(crate) async fn end_by_refresh_token(
    db: &impl ConnectionTrait,
    token: &str,
    now: DateTime<Utc>,
) -> Result<Option<Uuid>, DbErr> {
    let session_id = refresh_token::Entity::find_by_id(OneTimeToken::hash(token))
        .select_only()
        .column(refresh_token::Column::SessionId)
        .into_tuple::<Uuid>()
        .one(db)
        .await?;
    let Some(session_id) = session_id else {
        return Ok(None);
    };
    let ended = revoke(now)
        .filter(session::Column::Id.eq(session_id))
        .exec_with_returning(db)
        .await?;
    metrics::sessions_revoked(ended.len() as u64);
    Ok(ended.first().map(|session| session.user_id))
}

/// `UPDATE sessions SET revoked_at = now WHERE revoked_at IS NULL`, to be narrowed.
fn revoke(now: DateTime<Utc>) -> sea_orm::UpdateMany<session::Entity> {
    session::Entity::update_many()
        .col_expr(session::Column::RevokedAt, Expr::value(now))
        .filter(session::Column::RevokedAt.is_null())
}

/// Which of its sessions an account's owner ends.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Ending {
    One(Uuid),
    /// Every open one but this (the caller's).
    AllBut(Uuid),
}

impl Ending {
    /// The owner `user_id` ends these, audited as `action`.
    pub(crate) fn by(self, user_id: Uuid, action: AuditAction) -> OwnerEnding {
        OwnerEnding {
            user_id,
            ending: self,
            action,
        }
    }
}

/// An account's owner ending some of its sessions, and how the audit trail names it.
#[derive(Clone, Copy, Debug)]
pub(crate) struct OwnerEnding {
    pub user_id: Uuid,
    pub ending: Ending,
    pub action: AuditAction,
}

/// The owner ends `ending` in one transaction, with one audit row (its action, naming the
/// session, or how many ended) when any ended; how many ended.
pub(crate) async fn end_by_owner(
    db: &DatabaseConnection,
    owner: OwnerEnding,
    provenance: &Provenance,
    now: DateTime<Utc>,
) -> Result<u64, DbErr> {
    let OwnerEnding {
        user_id,
        ending,
        action,
    } = owner;
    let txn = db.begin().await?;
    let (ended, detail) = match ending {
        Ending::One(session_id) => {
            let ended = u64::from(end(&txn, user_id, session_id, now).await?);
            (ended, ("session_id", Value::from(session_id.to_string())))
        }
        Ending::AllBut(keep) => {
            let ended = end_all(&txn, user_id, Some(keep), now).await?;
            (ended, ("sessions", Value::from(ended)))
        }
    };
    if ended > 0 {
        AuditEntry::new(action)
            .by_self(user_id)
            .with(detail.0, detail.1)
            .record(&txn, provenance, now)
            .await?;
    }
    txn.commit().await?;
    Ok(ended)
}
