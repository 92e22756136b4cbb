use super::dto::DeleteUserRequest;
use crate::{
    domain::{FieldError, Password},
    infra::db::entities::user,
};

/// Delete the caller's account, confirmed by its password.
#[derive(Debug)]
pub(super) struct DeleteUser {
    /// The caller's account, as the bearer check read it with the session.
    pub account: user::Model,
    pub password: Password,
}

impl DeleteUser {
    /// Any string is checked against the hash (no policy: old accounts keep working).
    pub(super) fn parse(
        account: user::Model,
        request: DeleteUserRequest,
    ) -> Result<Self, Vec<FieldError>> {
        match request.password.value() {
            Ok(password) => Ok(Self {
                account,
                password: Password::unchecked(password),
            }),
            Err(message) => Err(vec![FieldError::new("password", message)]),
        }
    }
}
