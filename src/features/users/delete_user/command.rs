use uuid::Uuid;

use super::dto::DeleteUserRequest;
use crate::domain::{FieldError, Password};

/// Delete the caller's account, confirmed by its password.
#[derive(Debug)]
pub(super) struct DeleteUser {
    pub user_id: Uuid,
    pub password: Password,
}

impl DeleteUser {
    /// Any string is checked against the hash (no policy: old accounts keep working).
    pub(super) fn parse(
        user_id: Uuid,
        request: DeleteUserRequest,
    ) -> Result<Self, Vec<FieldError>> {
        match request.password.value() {
            Ok(password) => Ok(Self {
                user_id,
                password: Password::unchecked(password),
            }),
            Err(message) => Err(vec![FieldError::new("password", message)]),
        }
    }
}
