use sea_orm::DatabaseConnection;
use secrecy::SecretString;

use super::command::CreateClient;
use crate::{
    http::ApiError,
    infra::clock::Clock,
    services::{
        audit::Provenance,
        oauth_clients::{self, Actor, Client},
    },
};

/// Registers the client, audited as `client.created` in the same transaction; a
/// confidential one gets its secret, handed back this once (only its hash is stored).
pub(super) async fn create_client(
    db: &DatabaseConnection,
    clock: &Clock,
    provenance: &Provenance,
    command: CreateClient,
) -> Result<(Client, Option<SecretString>), ApiError> {
    let actor = Actor {
        account: Some(command.actor),
        provenance,
        now: clock.now(),
    };
    Ok(oauth_clients::register(db, actor, command.spec).await?)
}
