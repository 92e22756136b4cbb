use poem_openapi::Object;
use serde::Deserialize;

/// The consent form.
#[derive(Default, Object, Deserialize)]
#[serde(default)]
pub(super) struct ConsentForm {
    /// The pending request's handle.
    pub request: Option<String>,
    /// The CSRF token the page carried.
    #[oai(write_only)]
    pub csrf: Option<String>,
    /// `approve` or `deny`.
    pub decision: Option<String>,
}
