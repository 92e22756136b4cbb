use uuid::Uuid;

/// `actor` (an administrator) deletes the client `client_id`.
#[derive(Debug)]
pub(super) struct DeleteClient {
    pub actor: Uuid,
    pub client_id: Uuid,
}
