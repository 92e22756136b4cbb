use poem_openapi::Object;

use crate::{features::users::dto::TokenRules, http::JsonString};

/// A confirmation token from the e-mail.
#[derive(Object)]
pub(super) struct ConfirmEmailRequest {
    /// The single-use token the confirmation e-mail carries.
    #[oai(write_only)]
    pub token: JsonString<TokenRules>,
}
