use poem_openapi::Object;

use crate::{
    features::clients::dto::Client, http::Page, infra::db::entities::oauth_client,
    services::oauth_clients,
};

/// One page of clients, oldest first.
#[derive(Debug, Object)]
pub(super) struct ClientPage {
    /// At most `limit` clients, in registration order.
    pub items: Vec<Client>,
    /// Pass it as `cursor` for the next page; `null` on the last page.
    #[oai(nullable)]
    pub next_cursor: Option<String>,
}

impl From<Page<oauth_client::Model>> for ClientPage {
    fn from(page: Page<oauth_client::Model>) -> Self {
        Self {
            items: page
                .items
                .into_iter()
                .map(|row| oauth_clients::Client::from(row).into())
                .collect(),
            next_cursor: page.next_cursor.map(|cursor| cursor.encode()),
        }
    }
}
