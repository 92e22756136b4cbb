use uuid::Uuid;

/// `actor` (an administrator) makes the client `client_id` a new secret.
#[derive(Debug)]
pub(super) struct RotateClientSecret {
    pub actor: Uuid,
    pub client_id: Uuid,
}
