use uuid::Uuid;

/// The live sessions of `user_id`.
#[derive(Debug)]
pub(super) struct ListSessions {
    pub user_id: Uuid,
}
