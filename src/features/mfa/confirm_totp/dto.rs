use poem_openapi::Object;

use crate::http::JsonString;

/// The first code the authenticator app shows for the new secret.
#[derive(Object)]
pub(super) struct ConfirmTotpRequest {
    /// 6 digits (spaces allowed).
    #[oai(write_only)]
    pub code: JsonString,
}
