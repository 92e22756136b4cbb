use poem_openapi::Object;

use super::query::UserPage;
use crate::features::admin::dto::AdminUser;

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
