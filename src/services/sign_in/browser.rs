//! A proven sign-in on a hosted page: a browser session and its audit row.

use chrono::{DateTime, Utc};
use sea_orm::DatabaseTransaction;

use crate::{
    domain::AuditAction,
    infra::security::SessionSettings,
    services::{
        audit::{AuditEntry, Provenance},
        sessions::{self, BrowserSession, Login, NewSignInSettings},
    },
};

/// Opens the browser session of a proven `login` in `txn` and audits it, naming how it was
/// proven; the session and its cookie's value.
pub(crate) async fn open_browser_session(
    txn: &DatabaseTransaction,
    settings: &SessionSettings,
    notice: &NewSignInSettings,
    login: Login<'_>,
    provenance: &Provenance,
    now: DateTime<Utc>,
) -> Result<(BrowserSession, String), sea_orm::DbErr> {
    let (user_id, amr) = (login.account.id, login.amr);
    let opened = sessions::open_browser(txn, settings, notice, login, now).await?;
    AuditEntry::new(AuditAction::LoginSucceeded)
        .by_self(user_id)
        .with("amr", amr.as_str())
        .with("via", "hosted_page")
        .record(txn, provenance, now)
        .await?;
    Ok(opened)
}
