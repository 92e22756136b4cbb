use poem_openapi::Object;
use serde::Deserialize;

/// The sign-in form.
#[derive(Default, Object, Deserialize)]
#[serde(default)]
pub(super) struct SignInForm {
    /// The pending request's handle.
    pub request: Option<String>,
    /// The CSRF token the page carried.
    #[oai(write_only)]
    pub csrf: Option<String>,
    /// The username or the e-mail address.
    pub login: Option<String>,
    /// The password.
    #[oai(write_only)]
    pub password: Option<String>,
}
