use poem_openapi::Object;

use crate::platform::json_string::JsonString;

/// A confirmation token from the e-mail.
#[derive(Object)]
pub struct ConfirmEmailRequest {
    /// The single-use token the confirmation e-mail carries.
    #[oai(write_only)]
    pub token: JsonString,
}
