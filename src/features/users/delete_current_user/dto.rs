use poem_openapi::Object;

use crate::http::{JsonString, OptionalString};

/// Confirms the deletion.
#[derive(Object)]
pub(super) struct DeleteUserRequest {
    /// The account's current password.
    #[oai(write_only)]
    pub password: JsonString,
    /// Required when the account has a second factor: a code from the authenticator app
    /// (6 digits) or an unused recovery code (spent).
    #[oai(write_only)]
    pub code: OptionalString,
}
