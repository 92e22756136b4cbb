use uuid::Uuid;

/// The client `client_id`.
#[derive(Debug)]
pub(super) struct GetClient {
    pub client_id: Uuid,
}
