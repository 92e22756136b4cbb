use sea_orm::DatabaseConnection;

use super::command::UpdateClient;
use crate::{
    features::clients::no_such_client,
    http::ApiError,
    infra::clock::Clock,
    services::{
        audit::Provenance,
        oauth_clients::{self, Actor, ChangeError, Client},
    },
};

/// In one transaction: applies the change to the client, checked as a registration is
/// against what it leaves, and audits it as `client.updated` with the fields whose value
/// changed (nothing when none did); 404 when no client has the id.
pub(super) async fn update_client(
    db: &DatabaseConnection,
    clock: &Clock,
    provenance: &Provenance,
    command: UpdateClient,
) -> Result<Client, ApiError> {
    let actor = Actor {
        account: Some(command.actor),
        provenance,
        now: clock.now(),
    };
    oauth_clients::update(db, actor, command.client_id, command.change)
        .await
        .map_err(|err| match err {
            ChangeError::NotFound => no_such_client(),
            ChangeError::Invalid(errors) => ApiError::validation(errors),
            ChangeError::Db(err) => err.into(),
        })
}
