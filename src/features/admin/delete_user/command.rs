use uuid::Uuid;

/// `actor` (an administrator) deletes the account `target`.
#[derive(Debug)]
pub(super) struct DeleteUser {
    pub actor: Uuid,
    pub target: Uuid,
}
