//! What the hosted pages of this area share: their HTML and the CSRF check of their forms.

use minijinja::{Value, context};
use poem_openapi::payload::Html;

use crate::{
    domain::oauth::Scope,
    http::{ApiError, BrowserCookies, PASSKEY_SCRIPT, PageResponse, render},
    infra::security::SessionSettings,
    services::{oidc::Pending, sessions::NewSignInSettings, sign_in::SignInError},
};

/// What opening a browser session needs.
pub(super) struct Opening<'a> {
    pub sessions: &'a SessionSettings,
    pub new_sign_in: &'a NewSignInSettings,
}

/// The page of a request that is unknown or expired (10 minutes).
pub(super) fn expired() -> PageResponse {
    PageResponse::bad_request(
        "This sign-in has expired",
        "Go back to the application and start again.",
    )
}

/// Whether a form's `csrf` is this browser's CSRF cookie and the pending request's token:
/// the token was handed out with the request, so a form posted from another site, or one
/// started by another browser (login CSRF), is refused.
pub(super) fn csrf_ok(cookies: &BrowserCookies, form: Option<&str>, pending: &Pending) -> bool {
    form.is_some_and(|form| cookies.csrf_matches(form) && pending.csrf_matches(form))
}

/// A pending request's sign-in page.
pub(super) struct SignInPage<'a> {
    pub client_name: &'a str,
    pub handle: &'a str,
    pub csrf: &'a str,
    /// Whether the page offers a passkey (`WEBAUTHN_*` configured).
    pub passkeys: bool,
}

impl SignInPage<'_> {
    /// The form, filled with `login`, showing `error` tied to its fields.
    pub(super) fn render(&self, login: &str, error: Option<&str>) -> Html<String> {
        let passkey_script = self
            .passkeys
            .then(|| Value::from_safe_string(PASSKEY_SCRIPT.into()));
        let (client_name, handle, csrf) = (self.client_name, self.handle, self.csrf);
        render(
            "sign_in",
            "Sign in",
            context! { client_name, request => handle, csrf, login, error, passkey_script },
        )
    }
}

/// The second step's form, showing `error` tied to its field.
pub(super) fn second_step(
    handle: &str,
    csrf: &str,
    mfa_token: &str,
    error: Option<&str>,
) -> Html<String> {
    render(
        "second_step",
        "Two-step sign-in",
        context! { request => handle, csrf, mfa_token, error },
    )
}

/// The consent page: what `client_name` asks for.
pub(super) fn consent(
    client_name: &str,
    handle: &str,
    csrf: &str,
    scopes: &[Scope],
) -> Html<String> {
    let scopes: Vec<&str> = scopes.iter().map(|scope| describe(*scope)).collect();
    render(
        "consent",
        "Allow access",
        context! { client_name, request => handle, csrf, scopes },
    )
}

/// The sign-out confirmation (logout without `id_token_hint`), its form carrying `csrf`.
pub(super) fn sign_out(csrf: &str) -> Html<String> {
    render("sign_out", "Sign out", context! { csrf })
}

/// The page after a sign-out.
pub(super) fn signed_out() -> Html<String> {
    let context = context! {
        title => "You are signed out",
        message => "You can close this window.",
    };
    render("error", "Signed out", context)
}

/// A scope in words.
fn describe(scope: Scope) -> &'static str {
    match scope {
        Scope::OpenId => "Your account's identifier",
        Scope::Profile => "Your username",
        Scope::Email => "Your e-mail address",
        Scope::OfflineAccess => "Access while you are away",
        Scope::Permission(permission) => permission.as_str(),
    }
}

/// A refused sign-in in words for the page; what is no refusal (an outage) is an error.
pub(super) fn refusal(err: SignInError) -> Result<&'static str, ApiError> {
    Ok(match err {
        SignInError::InvalidCredentials => "Incorrect username, e-mail address or password.",
        SignInError::AccountDisabled => "An administrator has disabled this account.",
        SignInError::EmailNotVerified => {
            "Confirm your e-mail address first: a new confirmation e-mail is on its way."
        }
        SignInError::InvalidMfaToken => "This sign-in has expired: start again.",
        SignInError::InvalidMfaCode => "That code is wrong or was already used.",
        SignInError::Hash(err) => return Err(err.into()),
        SignInError::Charge(err) => return Err(err.into()),
        SignInError::Resend(err) => return Err(err.into()),
        SignInError::Mfa(err) => return Err(err.into()),
        SignInError::Database(err) => return Err(err.into()),
    })
}
