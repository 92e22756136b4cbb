use chrono::{DateTime, Utc};
use poem_openapi::Object;
use uuid::Uuid;

use crate::infra::db::entities::user;

/// A user account as its owner sees it.
#[derive(Debug, Object)]
pub(super) struct User {
    /// The account id (UUID v7).
    pub id: Uuid,
    /// 3 to 32 characters of `[A-Za-z0-9_.-]`, unique regardless of case.
    pub username: String,
    /// Lower-cased e-mail address.
    pub email: String,
    /// Whether the owner has confirmed the address.
    pub email_verified: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<user::Model> for User {
    fn from(model: user::Model) -> Self {
        Self {
            id: model.id,
            username: model.username,
            email: model.email,
            email_verified: model.email_verified,
            created_at: model.created_at,
            updated_at: model.updated_at,
        }
    }
}
