//! The database work behind `manage users ...`: finding an account by its login, granting
//! and revoking permissions, listing accounts with theirs.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveValue::Set,
    ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
    TryInsertResult,
    sea_query::{Expr, ExprTrait, Func, LikeExpr},
};

use crate::{
    domain::Permission,
    infra::db::entities::{user, user_permission},
};

#[derive(Debug, thiserror::Error)]
pub enum UsersError {
    #[error("no account has the username or e-mail {0:?}")]
    UnknownLogin(String),
    #[error(transparent)]
    Db(#[from] DbErr),
}

/// One account as `users list` shows it.
#[derive(Debug, Clone)]
pub struct Listed {
    pub user: user::Model,
    /// Permission names in [`Permission`]'s order (names it does not know, last).
    pub permissions: Vec<String>,
}

/// The account whose username or e-mail is `login`, case-insensitively (as the token
/// endpoint finds it).
pub async fn find_by_login(
    db: &DatabaseConnection,
    login: &str,
) -> Result<user::Model, UsersError> {
    user::find_by_login(db, &user::normalize_login(login))
        .await?
        .ok_or_else(|| UsersError::UnknownLogin(login.to_owned()))
}

/// Grants `permission` to `account`; `false` when it already held it.
pub async fn grant(
    db: &DatabaseConnection,
    account: &user::Model,
    permission: Permission,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let row = user_permission::ActiveModel {
        user_id: Set(account.id),
        permission: Set(permission.to_string()),
        granted_at: Set(now),
    };
    let inserted = user_permission::Entity::insert(row)
        .on_conflict_do_nothing()
        .exec_without_returning(db)
        .await?;
    Ok(matches!(inserted, TryInsertResult::Inserted(rows) if rows > 0))
}

/// Revokes `permission` from `account`; `false` when it did not hold it.
pub async fn revoke(
    db: &DatabaseConnection,
    account: &user::Model,
    permission: Permission,
) -> Result<bool, DbErr> {
    let deleted = user_permission::Entity::delete_many()
        .filter(user_permission::Column::UserId.eq(account.id))
        .filter(user_permission::Column::Permission.eq(permission.as_str()))
        .exec(db)
        .await?;
    Ok(deleted.rows_affected > 0)
}

/// Up to `limit` accounts in order of creation, those whose username or e-mail starts with
/// `prefix` (case-insensitively) when one is given; `true` when more matched.
pub async fn list(
    db: &DatabaseConnection,
    prefix: Option<&str>,
    limit: u64,
) -> Result<(Vec<Listed>, bool), DbErr> {
    let mut query = user::Entity::find()
        .order_by_asc(user::Column::CreatedAt)
        .order_by_asc(user::Column::Id)
        .limit(limit + 1);
    if let Some(prefix) = prefix.map(|p| p.trim().to_lowercase()) {
        if prefix.contains('\0') {
            return Ok((Vec::new(), false));
        }
        let pattern = || LikeExpr::new(format!("{}%", escape_like(&prefix))).escape('\\');
        query = query.filter(
            Expr::expr(Func::lower(Expr::col(user::Column::Username)))
                .like(pattern())
                .or(Expr::expr(Func::lower(Expr::col(user::Column::Email))).like(pattern())),
        );
    }
    let mut users = query.all(db).await?;
    let more = users.len() as u64 > limit;
    users.truncate(limit as usize);

    let mut granted: HashMap<_, Vec<String>> = HashMap::new();
    if !users.is_empty() {
        let rows = user_permission::Entity::find()
            .filter(user_permission::Column::UserId.is_in(users.iter().map(|u| u.id)))
            .all(db)
            .await?;
        for row in rows {
            granted.entry(row.user_id).or_default().push(row.permission);
        }
    }
    let listed = users
        .into_iter()
        .map(|user| {
            let mut permissions = granted.remove(&user.id).unwrap_or_default();
            permissions.sort_by_key(|name| {
                (
                    name.parse::<Permission>()
                        .map_or(usize::MAX, |p| p as usize),
                    name.clone(),
                )
            });
            Listed { user, permissions }
        })
        .collect();
    Ok((listed, more))
}

/// `%`, `_` and the escape itself, literal in a LIKE pattern escaped with `\`.
fn escape_like(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            escaped.push('\\');
        }
        escaped.push(c);
    }
    escaped
}

#[cfg(test)]
mod tests {
    use super::escape_like;

    #[test]
    fn like_wildcards_are_escaped() {
        assert_eq!(escape_like("a_b%c\\d"), "a\\_b\\%c\\\\d");
        assert_eq!(escape_like("alice"), "alice");
    }
}
