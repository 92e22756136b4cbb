//! The lock-out rule: some enabled account must keep `users:write`, the permission that
//! grants permissions, or nobody could administer accounts through the API any more; and
//! an administrator never disables, deletes or demotes themselves.

use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, sea_query::LockType,
};
use uuid::Uuid;

use crate::{
    domain::Permission,
    infra::db::entities::{user, user_permission},
};

/// Whether no enabled account but `account` holds `users:write`: taking it from `account`
/// would leave nobody able to grant it. Call it in the change's transaction
/// (`db::begin_write`). It first locks every `users:write` grant (PostgreSQL `FOR UPDATE`, in
/// id order so concurrent callers queue instead of deadlocking; on SQLite the `IMMEDIATE`
/// transaction already holds the database), then counts in a new statement, which sees what
/// was committed while it waited: two administrators revoking each other cannot both pass.
pub(crate) async fn is_last_writer(
    db: &impl ConnectionTrait,
    account: Uuid,
) -> Result<bool, DbErr> {
    let writes = || user_permission::Column::Permission.eq(Permission::UsersWrite.as_str());
    user_permission::Entity::find()
        .select_only()
        .column(user_permission::Column::UserId)
        .filter(writes())
        .order_by_asc(user_permission::Column::UserId)
        .lock(LockType::Update)
        .into_tuple::<Uuid>()
        .all(db)
        .await?;
    let others = user_permission::Entity::find()
        .inner_join(user::Entity)
        .filter(writes())
        .filter(user_permission::Column::UserId.ne(account))
        .filter(user::Column::DisabledAt.is_null())
        .count(db)
        .await?;
    Ok(others == 0)
}
