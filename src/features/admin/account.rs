//! An account as an administrator reads it (`getUser`, and `updateUser`'s answer): the row,
//! the permissions it holds, how many live sessions and passkeys it has.

use std::time::Duration;

use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, EntityTrait};
use uuid::Uuid;

use crate::{
    domain::Permission,
    http::ApiError,
    infra::db::entities::{user, user_permission},
    services::{passkeys, sessions::count_live_sessions},
};

/// One account with its permissions and its live sessions.
#[derive(Debug)]
pub(super) struct AccountView {
    pub account: user::Model,
    /// In `Permission` order.
    pub permissions: Vec<Permission>,
    /// Sessions live at the time of reading (not ended, expired or idle).
    pub session_count: u64,
    pub passkey_count: u64,
}

/// Reads the account `id` (404 when there is none), its permissions, its sessions live at
/// `now` and its passkeys: four queries, on `db` (a transaction's, to read back a change).
pub(super) async fn account_view(
    db: &impl ConnectionTrait,
    id: Option<Uuid>,
    now: DateTime<Utc>,
    idle_timeout: Duration,
) -> Result<AccountView, ApiError> {
    let account = find_account(db, id).await?;
    let mut permissions = user_permission::of(db, account.id).await?;
    permissions.sort_unstable();
    let session_count = count_live_sessions(db, account.id, now, idle_timeout).await?;
    let passkey_count = passkeys::count(db, account.id).await?;
    Ok(AccountView {
        account,
        permissions,
        session_count,
        passkey_count,
    })
}

/// No account has this id (or the id is not a UUID): alike to the caller.
pub(super) fn no_such_account() -> ApiError {
    ApiError::not_found("no account has this id")
}

/// The account `id`, or 404.
pub(super) async fn find_account(
    db: &impl ConnectionTrait,
    id: Option<Uuid>,
) -> Result<user::Model, ApiError> {
    let Some(id) = id else {
        return Err(no_such_account());
    };
    user::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(no_such_account)
}
