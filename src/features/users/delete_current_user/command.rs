use super::dto::DeleteUserRequest;
use crate::{
    domain::{FieldError, Password, Permission},
    http::Authenticated,
    infra::db::entities::user,
};

/// Delete the caller's account, confirmed by its password.
#[derive(Debug)]
pub(super) struct DeleteUser {
    /// The caller's account, as the bearer check read it with the session.
    pub account: user::Model,
    /// Whether the account holds `users:write` (the last such account is not deleted).
    pub holds_users_write: bool,
    pub password: Password,
}

impl DeleteUser {
    /// Any string is checked against the hash (no policy: old accounts keep working).
    pub(super) fn parse(
        caller: Authenticated,
        request: DeleteUserRequest,
    ) -> Result<Self, Vec<FieldError>> {
        match request.password.value() {
            Ok(password) => Ok(Self {
                holds_users_write: caller.may(Permission::UsersWrite),
                account: caller.account,
                password: Password::unchecked(password),
            }),
            Err(message) => Err(vec![FieldError::new("password", message)]),
        }
    }
}
