use sea_orm::{DatabaseConnection, EntityTrait};

use super::query::ListClients;
use crate::{
    http::{ApiError, Cursor, Direction, Keyset, Page},
    infra::db::entities::oauth_client,
};

/// Reads one page in `(created_at, id)` order with one query (`KeysetPage`): clients
/// registered meanwhile neither repeat nor hide the ones that were there.
pub(super) async fn list_clients(
    db: &DatabaseConnection,
    query: ListClients,
) -> Result<Page<oauth_client::Model>, ApiError> {
    let keyset = Keyset {
        at: oauth_client::Column::CreatedAt,
        id: oauth_client::Column::Id,
        direction: Direction::Ascending,
    };
    let position = |client: &oauth_client::Model| Cursor::new(client.created_at, client.id);
    let select = oauth_client::Entity::find();
    Ok(query.page.fetch(db, select, keyset, position).await?)
}
