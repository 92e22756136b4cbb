use sea_orm::{DatabaseConnection, EntityTrait};

use super::query::GetCurrentUser;
use crate::{features::users::account_gone, http::ApiError, infra::db::entities::user};

pub(super) async fn get_current_user(
    db: &DatabaseConnection,
    query: GetCurrentUser,
) -> Result<user::Model, ApiError> {
    user::Entity::find_by_id(query.user_id)
        .one(db)
        .await?
        .ok_or_else(account_gone)
}
