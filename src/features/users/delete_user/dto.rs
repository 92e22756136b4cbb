use crate::platform::json_string::JsonString;
use poem_openapi::Object;

/// Confirms the deletion.
#[derive(Object)]
pub struct DeleteUserRequest {
    /// The account's current password.
    #[oai(write_only)]
    pub password: JsonString,
}
