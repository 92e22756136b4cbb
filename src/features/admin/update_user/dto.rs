use poem_openapi::Object;

use crate::http::OptionalBool;

/// The changes to make; at least one.
#[derive(Object)]
pub(super) struct UpdateAdminUserRequest {
    /// `true` disables the account (ending all its sessions at once), `false` enables it.
    pub disabled: OptionalBool,
    /// Whether the account's e-mail address counts as confirmed.
    pub email_verified: OptionalBool,
}
