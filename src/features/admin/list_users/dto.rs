use poem_openapi::Object;

use crate::{features::admin::dto::AdminUser, http::Page, infra::db::entities::user};

/// One page of accounts, oldest first.
#[derive(Debug, Object)]
pub(super) struct AdminUserPage {
    /// At most `limit` accounts, in creation order.
    pub items: Vec<AdminUser>,
    /// Pass it as `cursor` for the next page; `null` on the last page.
    #[oai(nullable)]
    pub next_cursor: Option<String>,
}

impl From<Page<user::Model>> for AdminUserPage {
    fn from(page: Page<user::Model>) -> Self {
        Self {
            items: page.items.into_iter().map(AdminUser::from).collect(),
            next_cursor: page.next_cursor.map(|cursor| cursor.encode()),
        }
    }
}
