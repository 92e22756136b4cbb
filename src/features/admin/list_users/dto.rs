use chrono::{DateTime, Utc};
use poem_openapi::Object;
use uuid::Uuid;

use super::query::UserPage;
use crate::infra::db::entities::user;

/// An account in a list: its data (never its password hash) and whether it is disabled.
/// `getUser` adds its permissions and sessions.
#[derive(Debug, Object)]
pub(super) struct AdminUser {
    /// The account id (UUID v7).
    pub id: Uuid,
    pub username: String,
    /// Lower-cased e-mail address.
    pub email: String,
    /// Whether the address is confirmed.
    pub email_verified: bool,
    /// Whether an administrator has disabled the account.
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
            disabled: account.disabled_at.is_some(),
            disabled_at: account.disabled_at,
            created_at: account.created_at,
            updated_at: account.updated_at,
        }
    }
}

/// One page of accounts, oldest first.
#[derive(Debug, Object)]
pub(super) struct AdminUserPage {
    /// At most `limit` accounts, in creation order.
    pub items: Vec<AdminUser>,
    /// Pass it as `cursor` for the next page; `null` on the last page.
    #[oai(nullable)]
    pub next_cursor: Option<String>,
}

impl From<UserPage> for AdminUserPage {
    fn from(page: UserPage) -> Self {
        Self {
            items: page.items.into_iter().map(AdminUser::from).collect(),
            next_cursor: page.next.map(|cursor| cursor.encode()),
        }
    }
}
