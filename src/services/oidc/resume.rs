//! Taking up a pending authorization request from one of its pages.

use chrono::{DateTime, Utc};
use sea_orm::{DatabaseConnection, DbErr};

use super::{Authorizing, Done, Next, Pending, find, forget};
use crate::services::{
    oauth_clients::{self, Client},
    sessions::BrowserSession,
};

/// A pending request and its client, still registered.
pub(crate) struct Resumed {
    pub pending: Pending,
    pub client: Client,
}

/// The pending request `handle` names, unexpired, and its client.
pub(crate) async fn resume(
    db: &DatabaseConnection,
    handle: &str,
    now: DateTime<Utc>,
) -> Result<Option<Resumed>, DbErr> {
    let Some(pending) = find(db, handle, now).await? else {
        return Ok(None);
    };
    let client = oauth_clients::find(db, pending.client_id).await?;
    Ok(client.map(|client| Resumed { pending, client }))
}

/// Where a page sends the browser next: to the next page of the same request, or back to
/// the client (the request is then answered and forgotten).
pub(crate) async fn proceed(
    db: &DatabaseConnection,
    resumed: &Resumed,
    handle: &str,
    session: &BrowserSession,
    done: Done,
    issuer: &str,
    now: DateTime<Utc>,
) -> Result<String, DbErr> {
    let authorizing = Authorizing {
        db,
        client: &resumed.client,
        request: &resumed.pending.request,
        issuer,
        now,
    };
    // A sign-in since the request was parked answers it (`prompt=login`, `max_age`), on
    // whichever page it happened.
    let done = Done {
        signed_in: done.signed_in || session.auth_time >= resumed.pending.parked_at,
        ..done
    };
    let next = authorizing.next(Some(session), done).await?;
    match next {
        Next::Redirect(url) => {
            forget(db, handle).await?;
            Ok(url)
        }
        page => Ok(page.page(handle).unwrap_or_default()),
    }
}
