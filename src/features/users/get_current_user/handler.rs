use sea_orm::{DatabaseConnection, EntityTrait};

use super::GetCurrentUser;
use crate::{features::AppError, infra::db::entities::user};

pub async fn get_current_user(
    db: &DatabaseConnection,
    query: GetCurrentUser,
) -> Result<user::Model, AppError> {
    user::Entity::find_by_id(query.user_id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::NotFound("account".into()))
}
