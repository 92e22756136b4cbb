use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};

use super::query::ListUsers;
use crate::{
    http::{ApiError, Cursor, Direction, Keyset, Page},
    infra::db::entities::user,
    services::mfa,
};

/// Reads one page in `(created_at, id)` order with one query (`KeysetPage`): PostgreSQL walks
/// `ix_users_created_at_id` from the cursor however deep the page, and accounts created
/// meanwhile neither repeat nor hide the ones that were there.
pub(super) async fn list_users(
    db: &DatabaseConnection,
    query: ListUsers,
) -> Result<Page<user::Model>, ApiError> {
    let mut select = user::Entity::find();
    if let Some(prefix) = &query.login_prefix {
        let Some(matches) = user::login_starts_with(prefix) else {
            return Ok(Page::default());
        };
        select = select.filter(matches);
    }
    if let Some(verified) = query.email_verified {
        select = select.filter(user::Column::EmailVerified.eq(verified));
    }
    if let Some(disabled) = query.disabled {
        select = select.filter(if disabled {
            user::Column::DisabledAt.is_not_null()
        } else {
            user::Column::DisabledAt.is_null()
        });
    }
    if let Some(with) = query.mfa {
        select = select.filter(mfa::accounts_with_second_factor(with));
    }
    if let Some(after) = query.created_after {
        select = select.filter(user::Column::CreatedAt.gt(after));
    }
    if let Some(before) = query.created_before {
        select = select.filter(user::Column::CreatedAt.lt(before));
    }
    let keyset = Keyset {
        at: user::Column::CreatedAt,
        id: user::Column::Id,
        direction: Direction::Ascending,
    };
    let position = |user: &user::Model| Cursor::new(user.created_at, user.id);
    Ok(query.page.fetch(db, select, keyset, position).await?)
}
