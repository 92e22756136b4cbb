use uuid::Uuid;

/// `actor` ends every session of the account `target` (`None`: the path held no UUID).
#[derive(Debug)]
pub(super) struct DeleteUserSessions {
    pub actor: Uuid,
    pub target: Option<Uuid>,
}
