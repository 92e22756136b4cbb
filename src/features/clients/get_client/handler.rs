use sea_orm::DatabaseConnection;

use super::query::GetClient;
use crate::{
    features::clients::no_such_client,
    http::ApiError,
    services::oauth_clients::{self, Client},
};

/// Reads the client; 404 when none has the id.
pub(super) async fn get_client(
    db: &DatabaseConnection,
    query: GetClient,
) -> Result<Client, ApiError> {
    oauth_clients::find(db, query.client_id)
        .await?
        .ok_or_else(no_such_client)
}
