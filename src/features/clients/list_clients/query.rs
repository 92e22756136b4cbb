use crate::http::KeysetPage;

/// A page of clients in registration order.
#[derive(Debug)]
pub(super) struct ListClients {
    /// How many clients, after the last one of the previous page.
    pub page: KeysetPage,
}
