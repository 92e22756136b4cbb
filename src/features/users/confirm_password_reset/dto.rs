use poem_openapi::Object;

use crate::{
    features::users::dto::{PasswordRules, TokenRules},
    http::JsonString,
};

/// The reset token from the e-mail, and the new password.
#[derive(Object)]
pub(super) struct ConfirmPasswordResetRequest {
    /// The single-use token the reset e-mail carries.
    #[oai(write_only)]
    pub token: JsonString<TokenRules>,
    /// 8 to 72 bytes (UTF-8), no NUL characters, and hard to guess: zxcvbn must score it
    /// at least 3 of 4 (the default; the operator may choose another minimum), with the
    /// username and e-mail address counted as known words. When the service is configured
    /// with a breach lookup, a password found in a known data breach is refused too.
    #[oai(write_only)]
    pub new_password: JsonString<PasswordRules>,
}
