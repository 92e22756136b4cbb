use chrono::{DateTime, Utc};
use poem_openapi::Object;
use uuid::Uuid;

use super::account::AccountView;
use crate::infra::db::entities::user;

/// An account as an administrator sees it in a list: its data (never its password hash)
/// and whether it is disabled. `getUser` adds its permissions and sessions.
#[derive(Debug, Object)]
pub(super) struct AdminUser {
    /// The account id (UUID v7).
    pub id: Uuid,
    pub username: String,
    /// Lower-cased e-mail address.
    pub email: String,
    /// Whether the address is confirmed.
    pub email_verified: bool,
    /// The account's language, a BCP 47 tag in canonical case (e.g. `de-AT`): the language
    /// of its e-mails; `null` when none was given.
    #[oai(nullable)]
    pub locale: Option<String>,
    /// Whether an administrator has disabled the account: it cannot log in, and it has no
    /// live session.
    pub disabled: bool,
    /// When it was disabled; `null` while it is enabled.
    #[oai(nullable)]
    pub disabled_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<user::Model> for AdminUser {
    fn from(account: user::Model) -> Self {
        Self {
            id: account.id,
            username: account.username,
            email: account.email,
            email_verified: account.email_verified,
            locale: account.locale,
            disabled: account.disabled_at.is_some(),
            disabled_at: account.disabled_at,
            created_at: account.created_at,
            updated_at: account.updated_at,
        }
    }
}

/// An account as an administrator reads it: its data (never its password hash), whether it
/// is disabled, the permissions it holds and its live sessions.
#[derive(Debug, Object)]
pub(super) struct AdminUserDetail {
    // The `AdminUser` fields, inline.
    #[oai(flatten)]
    pub account: AdminUser,
    /// The names of the permissions it holds (e.g. `users:read`), in the order the API
    /// lists permissions: `users:read`, `users:write`, `sessions:revoke`, `audit:read`,
    /// `clients:write`.
    pub permissions: Vec<String>,
    /// How many live sessions it has (not ended, expired or idle).
    pub session_count: u64,
    /// How many passkeys it has registered.
    pub passkey_count: u64,
}

impl From<AccountView> for AdminUserDetail {
    fn from(view: AccountView) -> Self {
        Self {
            account: view.account.into(),
            permissions: view
                .permissions
                .into_iter()
                .map(|p| p.as_str().to_owned())
                .collect(),
            session_count: view.session_count,
            passkey_count: view.passkey_count,
        }
    }
}
