use poem_openapi::Object;
use serde::Deserialize;

/// The passkey form the sign-in page's script fills and posts.
#[derive(Default, Object, Deserialize)]
#[serde(default)]
pub(super) struct PasskeySignInForm {
    /// The pending request's handle.
    pub request: Option<String>,
    /// The CSRF token the page carried.
    #[oai(write_only)]
    pub csrf: Option<String>,
    /// The assertion (`navigator.credentials.get`'s result) as WebAuthn's JSON text, for
    /// options from `startPasskeyAuthentication`.
    pub assertion: Option<String>,
}
