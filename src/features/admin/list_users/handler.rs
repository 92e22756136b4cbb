use sea_orm::{
    ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
    sea_query::{Expr, ExprTrait},
};

use super::query::{ListUsers, UserPage};
use crate::{
    http::{ApiError, Cursor},
    infra::db::entities::user,
};

/// Reads one page in `(created_at, id)` order with one query, fetching one row past the
/// page to learn whether another follows. The position is a row-value comparison, so
/// PostgreSQL walks `ix_users_created_at_id` from the cursor however deep the page, and
/// accounts created meanwhile neither repeat nor hide the ones that were there.
pub(super) async fn list_users(
    db: &DatabaseConnection,
    query: ListUsers,
) -> Result<UserPage, ApiError> {
    let mut select = user::Entity::find();
    if let Some(prefix) = &query.login_prefix {
        let Some(matches) = user::login_starts_with(prefix) else {
            return Ok(UserPage {
                items: Vec::new(),
                next: None,
            });
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
    if let Some(after) = query.created_after {
        select = select.filter(user::Column::CreatedAt.gt(after));
    }
    if let Some(before) = query.created_before {
        select = select.filter(user::Column::CreatedAt.lt(before));
    }
    if let Some(cursor) = query.after {
        let position = Expr::tuple([
            Expr::col(user::Column::CreatedAt),
            Expr::col(user::Column::Id),
        ]);
        let cursor = Expr::tuple([Expr::value(cursor.at), Expr::value(cursor.id)]);
        select = select.filter(position.gt(cursor));
    }
    let mut items = select
        .order_by_asc(user::Column::CreatedAt)
        .order_by_asc(user::Column::Id)
        .limit(query.limit + 1)
        .all(db)
        .await?;
    let more = items.len() as u64 > query.limit;
    items.truncate(usize::try_from(query.limit).unwrap_or(usize::MAX));
    let next = more
        .then(|| {
            items
                .last()
                .map(|last| Cursor::new(last.created_at, last.id))
        })
        .flatten();
    Ok(UserPage { items, next })
}
