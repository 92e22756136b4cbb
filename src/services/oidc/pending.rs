//! Authorization requests waiting for the sign-in or consent page, kept server-side (the
//! pages carry only an opaque handle) for `PENDING_TTL`, each with the CSRF token its forms
//! must send back. Only SHA-256s of the handle and the token are stored.

use std::time::Duration;

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, Set,
};
use uuid::Uuid;

use crate::{
    domain::oauth::AuthorizeRequest,
    infra::{clock::later, db::entities::oauth_pending_request as pending, security::OneTimeToken},
};

/// How long a request waits for its pages.
pub(crate) const PENDING_TTL: Duration = Duration::from_secs(10 * 60);

/// A parked request's handle and CSRF token (both opaque, 256 random bits).
pub(crate) struct Parked {
    pub handle: String,
    pub csrf: String,
}

/// A pending request, found by its handle.
pub(crate) struct Pending {
    pub client_id: Uuid,
    pub request: AuthorizeRequest,
    /// When the authorization endpoint parked it.
    pub parked_at: DateTime<Utc>,
    csrf_hash: String,
}

impl Pending {
    /// Whether `presented` is this request's CSRF token; compared in constant time.
    pub(crate) fn csrf_matches(&self, presented: &str) -> bool {
        constant_time_eq::constant_time_eq(
            OneTimeToken::hash(presented).as_bytes(),
            self.csrf_hash.as_bytes(),
        )
    }
}

/// Parks a valid request for `client_id`; its handle and CSRF token.
pub(crate) async fn park(
    db: &impl ConnectionTrait,
    client_id: Uuid,
    request: &AuthorizeRequest,
    now: DateTime<Utc>,
) -> Result<Parked, DbErr> {
    let (handle, csrf) = (OneTimeToken::generate(), OneTimeToken::generate());
    let json = serde_json::to_string(request).map_err(|e| DbErr::Custom(e.to_string()))?;
    pending::ActiveModel {
        handle_hash: Set(handle.hash),
        client_id: Set(client_id),
        request: Set(json),
        csrf_hash: Set(csrf.hash),
        created_at: Set(now),
        expires_at: Set(later(now, PENDING_TTL)),
    }
    .insert(db)
    .await?;
    Ok(Parked {
        handle: handle.token,
        csrf: csrf.token,
    })
}

/// The unexpired request `handle` names.
pub(crate) async fn find(
    db: &impl ConnectionTrait,
    handle: &str,
    now: DateTime<Utc>,
) -> Result<Option<Pending>, DbErr> {
    let row = pending::Entity::find_by_id(OneTimeToken::hash(handle))
        .filter(pending::Column::ExpiresAt.gt(now))
        .one(db)
        .await?;
    Ok(row.and_then(|row| {
        let request = serde_json::from_str(&row.request).ok()?;
        Some(Pending {
            client_id: row.client_id,
            request,
            parked_at: row.created_at,
            csrf_hash: row.csrf_hash,
        })
    }))
}

/// Forgets the request `handle` names (it was answered).
pub(crate) async fn forget(db: &impl ConnectionTrait, handle: &str) -> Result<(), DbErr> {
    pending::Entity::delete_by_id(OneTimeToken::hash(handle))
        .exec(db)
        .await
        .map(drop)
}
