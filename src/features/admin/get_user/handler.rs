use sea_orm::DatabaseConnection;

use super::query::GetUser;
use crate::{
    features::admin::account::{AccountView, account_view},
    http::ApiError,
    infra::{clock::Clock, security::SessionSettings},
};

/// Reads the account with its permissions and the sessions live now; 404 when none has the id.
pub(super) async fn get_user(
    db: &DatabaseConnection,
    clock: &Clock,
    settings: &SessionSettings,
    query: GetUser,
) -> Result<AccountView, ApiError> {
    account_view(db, query.id, clock.now(), settings.idle_timeout).await
}
