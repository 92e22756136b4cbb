use chrono::{DateTime, Utc};
use uuid::Uuid;

/// The live sessions of `user_id`; `current` is the one asking.
#[derive(Debug)]
pub(super) struct ListSessions {
    pub user_id: Uuid,
    pub current: Uuid,
}

/// One live session as its owner sees it.
#[derive(Debug)]
pub(super) struct SessionView {
    pub id: Uuid,
    pub created_at: DateTime<Utc>,
    pub last_used_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub user_agent: Option<String>,
    pub ip: Option<String>,
    pub current: bool,
}
