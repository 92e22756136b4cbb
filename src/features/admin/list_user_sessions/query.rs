use chrono::{DateTime, Utc};
use uuid::Uuid;

/// The live sessions of the account `user_id` (`None`: the path held no UUID).
#[derive(Debug)]
pub(super) struct ListUserSessions {
    pub user_id: Option<Uuid>,
}

/// One live session as an administrator sees it.
#[derive(Debug)]
pub(super) struct UserSessionView {
    pub id: Uuid,
    pub created_at: DateTime<Utc>,
    pub last_used_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub user_agent: Option<String>,
    pub ip: Option<String>,
}
