//! The `users` table.

use std::fmt;

use sea_orm::{
    entity::prelude::*,
    sea_query::{Expr, ExprTrait, Func, LikeExpr, SimpleExpr},
};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "users")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub username: String,
    pub email: String,
    pub password_hash: PasswordHash,
    pub email_verified: bool,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    /// Set by an administrator: the account cannot log in or refresh.
    pub disabled_at: Option<DateTimeUtc>,
    /// The account's language: a BCP 47 tag in canonical case (`de-AT`), at most 35
    /// characters.
    pub locale: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(has_many = "super::user_permission::Entity")]
    Permissions,
}

impl Related<super::user_permission::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Permissions.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}

/// A login (a username or an e-mail address) as accounts are matched by it: trimmed and
/// lower-case.
pub fn normalize_login(login: &str) -> String {
    login.trim().to_lowercase()
}

/// The account whose username (in any case) or e-mail address (stored lower-case) is the
/// `normalized` login. A login no account name can hold (empty, or holding a NUL, which
/// PostgreSQL refuses in a query) finds nothing without a query.
pub async fn find_by_login(
    db: &impl ConnectionTrait,
    normalized: &str,
) -> Result<Option<Model>, DbErr> {
    if normalized.is_empty() || normalized.contains('\0') {
        return Ok(None);
    }
    let by_login = if normalized.contains('@') {
        Column::Email.eq(normalized)
    } else {
        Expr::expr(Func::lower(Expr::col(Column::Username))).eq(normalized)
    };
    Entity::find().filter(by_login).one(db).await
}

/// Accounts whose username or e-mail starts with `prefix`, case-insensitively (`%` and `_`
/// match themselves); `None` when no account can match (a NUL, which PostgreSQL refuses).
pub fn login_starts_with(prefix: &str) -> Option<SimpleExpr> {
    let prefix = normalize_login(prefix);
    if prefix.contains('\0') {
        return None;
    }
    let pattern = || LikeExpr::new(format!("{}%", escape_like(&prefix))).escape('\\');
    Some(
        Expr::expr(Func::lower(Expr::col(Column::Username)))
            .like(pattern())
            .or(Expr::expr(Func::lower(Expr::col(Column::Email))).like(pattern())),
    )
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

/// A bcrypt hash in PHC-like `$2b$` form; `Debug` never shows it.
#[derive(Clone, PartialEq, Eq, DeriveValueType)]
pub struct PasswordHash(pub String);

impl fmt::Debug for PasswordHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PasswordHash(***)")
    }
}

impl From<&Model> for crate::domain::UserEventData {
    fn from(user: &Model) -> Self {
        Self {
            user_id: user.id,
            username: user.username.clone(),
            email: user.email.clone(),
            new_email: None,
            sign_in: None,
            recovery_codes_left: None,
            passkey_name: None,
            locale: user.locale.clone(),
        }
    }
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
