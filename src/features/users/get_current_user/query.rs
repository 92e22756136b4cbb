use uuid::Uuid;

/// Read the account of the authenticated caller.
#[derive(Debug)]
pub(super) struct GetCurrentUser {
    pub user_id: Uuid,
}
