use poem_openapi::Object;

use crate::{features::users::dto::PasswordRules, http::JsonString};

/// A password change, confirmed by the current password.
#[derive(Object)]
pub(super) struct ChangePasswordRequest {
    /// The account's current password.
    #[oai(write_only)]
    pub current_password: JsonString,
    /// 8 to 72 bytes (UTF-8), no NUL characters, not the current password.
    #[oai(write_only)]
    pub new_password: JsonString<PasswordRules>,
}
