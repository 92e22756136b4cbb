//! The `sessions` table: one login on one device.

use std::time::Duration;

use chrono::{DateTime, Utc};
use sea_orm::{Condition, entity::prelude::*};

use crate::infra::{clock::earlier, security::SessionClaims};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "sessions")]
pub struct Model {
    /// A UUIDv7: sessions sort by creation.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub user_id: Uuid,
    pub created_at: DateTimeUtc,
    /// The login, or the last refresh.
    pub last_used_at: DateTimeUtc,
    /// The absolute end (`SESSION_TTL` after the login).
    pub expires_at: DateTimeUtc,
    pub revoked_at: Option<DateTimeUtc>,
    pub user_agent: Option<String>,
    pub ip: Option<String>,
    /// How the login proved itself: RFC 8176 values, space-separated (`pwd`).
    pub amr: String,
    /// Hex SHA-256 of a browser session's cookie; `None` for an API session.
    pub browser_token_hash: Option<String>,
    /// The OAuth client a session opened by an authorization code belongs to.
    pub client_id: Option<Uuid>,
    /// The scopes that client was granted, space-separated; every refresh keeps them.
    pub scopes: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::user::Entity",
        from = "Column::UserId",
        to = "super::user::Column::Id",
        on_delete = "Cascade"
    )]
    User,
}

impl Related<super::user::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::User.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}

impl Model {
    /// What its access tokens say of the session: the login's methods and time, which every
    /// refresh keeps.
    pub(crate) fn claims(&self) -> SessionClaims<'_> {
        SessionClaims {
            id: self.id,
            amr: &self.amr,
            auth_time: self.created_at,
        }
    }
}

/// Sessions that are live at `now`: not revoked, not past their absolute end, and used
/// within the last `idle_timeout`.
pub fn live(now: DateTime<Utc>, idle_timeout: Duration) -> Condition {
    Condition::all()
        .add(Column::RevokedAt.is_null())
        .add(Column::ExpiresAt.gt(now))
        .add(Column::LastUsedAt.gt(earlier(now, idle_timeout)))
}
