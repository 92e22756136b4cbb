use poem_openapi::Object;
use serde::Deserialize;

/// The second step's form.
#[derive(Default, Object, Deserialize)]
#[serde(default)]
pub(super) struct SecondStepForm {
    /// The pending request's handle.
    pub request: Option<String>,
    /// The CSRF token the page carried.
    #[oai(write_only)]
    pub csrf: Option<String>,
    /// The second step's token the password opened.
    #[oai(write_only)]
    pub mfa_token: Option<String>,
    /// Six digits from the authenticator app, or a recovery code.
    #[oai(write_only)]
    pub code: Option<String>,
}
