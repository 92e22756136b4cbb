use sea_orm::DatabaseConnection;

use super::command::DeleteClient;
use crate::{
    features::clients::no_such_client,
    http::ApiError,
    infra::clock::Clock,
    services::{
        audit::Provenance,
        oauth_clients::{self, Actor},
    },
};

/// Deletes the client, audited as `client.deleted` in the same transaction; 404 when none
/// has the id.
pub(super) async fn delete_client(
    db: &DatabaseConnection,
    clock: &Clock,
    provenance: &Provenance,
    command: DeleteClient,
) -> Result<(), ApiError> {
    let actor = Actor {
        account: Some(command.actor),
        provenance,
        now: clock.now(),
    };
    match oauth_clients::delete(db, actor, command.client_id).await? {
        true => Ok(()),
        false => Err(no_such_client()),
    }
}
