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
    /// 8 to 72 bytes (UTF-8), no NUL characters.
    #[oai(write_only)]
    pub new_password: JsonString<PasswordRules>,
}
