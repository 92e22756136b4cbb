use poem_openapi::Object;
use serde::Deserialize;

/// The sign-out confirmation's form.
#[derive(Default, Object, Deserialize)]
#[serde(default)]
pub(super) struct ConfirmEndSessionForm {
    /// The CSRF token the page carried.
    #[oai(write_only)]
    pub csrf: Option<String>,
}
