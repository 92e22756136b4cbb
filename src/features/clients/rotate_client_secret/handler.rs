use sea_orm::DatabaseConnection;
use secrecy::SecretString;

use super::{command::RotateClientSecret, error::refused};
use crate::{
    http::ApiError,
    infra::clock::Clock,
    services::{
        audit::Provenance,
        oauth_clients::{self, Actor},
    },
};

/// Makes the confidential client a new secret, audited as `client.secret_rotated` in the
/// same transaction; the old secret stops working at once. 404 when no client has the id,
/// 409 `public-client` for a public one.
pub(super) async fn rotate_client_secret(
    db: &DatabaseConnection,
    clock: &Clock,
    provenance: &Provenance,
    command: RotateClientSecret,
) -> Result<SecretString, ApiError> {
    let actor = Actor {
        account: Some(command.actor),
        provenance,
        now: clock.now(),
    };
    oauth_clients::rotate_secret(db, actor, command.client_id)
        .await
        .map_err(refused)
}
