use poem_openapi::Object;

use crate::http::JsonString;

/// Confirms the deletion.
#[derive(Object)]
pub(super) struct DeleteUserRequest {
    /// The account's current password.
    #[oai(write_only)]
    pub password: JsonString,
}
