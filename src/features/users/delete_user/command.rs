use uuid::Uuid;

use crate::domain::Password;

/// Delete the caller's account, confirmed by its password.
#[derive(Debug)]
pub(super) struct DeleteUser {
    pub user_id: Uuid,
    pub password: Password,
}
