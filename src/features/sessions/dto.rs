use chrono::{DateTime, Utc};
use poem_openapi::Object;
use uuid::Uuid;

use crate::infra::db::entities::session;

/// A live session of an account: one login on one device. It ends at `expires_at`, or
/// earlier when it goes `SESSION_IDLE_TIMEOUT` without a refresh, or when it is ended.
#[derive(Object)]
pub(crate) struct UserSession {
    /// The session id (UUID v7), the `sid` claim of its access tokens.
    pub id: Uuid,
    /// The login.
    pub created_at: DateTime<Utc>,
    /// The login or the last refresh.
    pub last_used_at: DateTime<Utc>,
    /// The absolute end (`SESSION_TTL` after the login).
    pub expires_at: DateTime<Utc>,
    /// The `User-Agent` of the login; `null` when it sent none.
    #[oai(nullable)]
    pub user_agent: Option<String>,
    /// The client IP of the login (behind trusted proxies, the forwarded one); `null` when
    /// unknown.
    #[oai(nullable)]
    pub ip: Option<String>,
}

impl From<session::Model> for UserSession {
    fn from(session: session::Model) -> Self {
        Self {
            id: session.id,
            created_at: session.created_at,
            last_used_at: session.last_used_at,
            expires_at: session.expires_at,
            user_agent: session.user_agent,
            ip: session.ip,
        }
    }
}
