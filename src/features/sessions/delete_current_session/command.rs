use uuid::Uuid;

/// End the session the caller's token belongs to.
#[derive(Debug)]
pub(super) struct DeleteCurrentSession {
    pub user_id: Uuid,
    pub session_id: Uuid,
}
