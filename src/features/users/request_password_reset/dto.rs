use poem_openapi::Object;

use crate::{features::users::dto::EmailRules, http::JsonString};

/// Who forgot their password.
#[derive(Object)]
pub(super) struct PasswordResetRequest {
    /// The account's e-mail address (case-insensitive).
    pub email: JsonString<EmailRules>,
}
