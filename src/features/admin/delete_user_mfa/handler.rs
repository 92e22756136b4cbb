use sea_orm::DatabaseConnection;
use uuid::Uuid;

use crate::{
    features::admin::account::find_account,
    http::ApiError,
    infra::{clock::Clock, db},
    services::{
        administration::{self, Change},
        audit::Provenance,
    },
};

/// Removes the account's second factors as `actor` (`administration::reset_mfa`: mailed and
/// audited when it had any); 404 when there is no such account.
pub(super) async fn delete_user_mfa(
    db: &DatabaseConnection,
    clock: &Clock,
    provenance: &Provenance,
    actor: Uuid,
    target: Option<Uuid>,
) -> Result<(), ApiError> {
    let now = clock.now();
    let txn = db::begin_write(db).await?;
    let account = find_account(&txn, target).await?;
    let change = Change {
        actor: Some(actor),
        provenance,
        now,
    };
    administration::reset_mfa(&txn, &account, change).await?;
    txn.commit().await?;
    Ok(())
}
