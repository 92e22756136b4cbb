use uuid::Uuid;

/// End the session `session_id` of `user_id`.
#[derive(Debug)]
pub(super) struct DeleteSession {
    pub user_id: Uuid,
    pub session_id: Uuid,
}
