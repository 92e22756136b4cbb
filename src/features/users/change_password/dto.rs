use poem_openapi::Object;

use crate::{
    features::users::dto::PasswordRules,
    http::{JsonString, OptionalString},
};

/// A password change, confirmed by the current password.
#[derive(Object)]
pub(super) struct ChangePasswordRequest {
    /// The account's current password.
    #[oai(write_only)]
    pub current_password: JsonString,
    /// 8 to 72 bytes (UTF-8), no NUL characters, and hard to guess: zxcvbn must score it
    /// at least 3 of 4 (the default; the operator may choose another minimum), with the
    /// username and e-mail address counted as known words. When the service is configured
    /// with a breach lookup, a password found in a known data breach is refused too.
    /// Not the current password.
    #[oai(write_only)]
    pub new_password: JsonString<PasswordRules>,
    /// Required when the account has a second factor: a code from the authenticator app
    /// (6 digits) or an unused recovery code (spent).
    #[oai(write_only)]
    pub code: OptionalString,
}
