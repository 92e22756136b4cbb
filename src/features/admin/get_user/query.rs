use uuid::Uuid;

/// The account `id`; `None` when the path held no UUID.
#[derive(Debug)]
pub(super) struct GetUser {
    pub id: Option<Uuid>,
}
