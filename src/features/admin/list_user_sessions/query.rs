use uuid::Uuid;

/// The live sessions of the account `user_id` (`None`: the path held no UUID).
#[derive(Debug)]
pub(super) struct ListUserSessions {
    pub user_id: Option<Uuid>,
}
