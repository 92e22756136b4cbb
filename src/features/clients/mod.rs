//! The OAuth client registry over HTTP (`services::oauth_clients`): registering, reading,
//! changing and deleting clients and making their secrets, for callers holding
//! `clients:write`. Every change is audited with the administrator as actor.

mod create_client;
mod delete_client;
mod dto;
mod get_client;
mod list_clients;
mod names;
mod rotate_client_secret;
mod update_client;

use crate::http::ApiError;

/// This area's slices, in document order.
pub(super) type Slices = (
    list_clients::ListClientsRoute,
    create_client::CreateClientRoute,
    get_client::GetClientRoute,
    update_client::UpdateClientRoute,
    delete_client::DeleteClientRoute,
    rotate_client_secret::RotateClientSecretRoute,
);

/// 404: no client has the `client_id` of the path (or it is not a UUID).
fn no_such_client() -> ApiError {
    ApiError::not_found("no client has this client_id")
}
