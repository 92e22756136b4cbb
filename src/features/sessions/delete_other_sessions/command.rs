use uuid::Uuid;

/// End every session of `user_id` but `keep`.
#[derive(Debug)]
pub(super) struct DeleteOtherSessions {
    pub user_id: Uuid,
    pub keep: Uuid,
}
