use uuid::Uuid;

use crate::domain::Permission;

/// `actor` grants `permission` to the account `target` (`None`: the path held no UUID).
#[derive(Debug)]
pub(super) struct GrantPermission {
    pub actor: Uuid,
    /// Whether the actor holds `permission` itself (it may change only those).
    pub actor_holds: bool,
    pub target: Option<Uuid>,
    pub permission: Permission,
}
