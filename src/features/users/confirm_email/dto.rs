use poem_openapi::Object;

use super::command::MAX_TOKEN_LEN;
use crate::http::{JsonString, StringRules};

/// A confirmation token's rules, as the document states them.
pub(super) struct TokenRules;

impl StringRules for TokenRules {
    const MIN_LENGTH: Option<usize> = Some(1);
    const MAX_LENGTH: Option<usize> = Some(MAX_TOKEN_LEN);
}

/// A confirmation token from the e-mail.
#[derive(Object)]
pub(super) struct ConfirmEmailRequest {
    /// The single-use token the confirmation e-mail carries.
    #[oai(write_only)]
    pub token: JsonString<TokenRules>,
}
