use uuid::Uuid;

use crate::domain::Permission;

/// `actor` grants `permission` to the account `target` (`None`: the path held no UUID).
#[derive(Debug)]
pub(super) struct GrantPermission {
    pub actor: Uuid,
    pub target: Option<Uuid>,
    pub permission: Permission,
}
