use poem::web::Data;
use poem_openapi::{OpenApi, payload::Form};

use super::{dto::PasskeySignInForm, handler::sign_in_with_passkey};
use crate::{
    features::oidc::posted::{Posted, opening, password_check},
    http::{ApiTags, AppState, BrowserCookies, PageResponse, PerIp, Problem, error_statuses},
    services::{audit::Provenance, sessions::Device},
};

#[derive(Default)]
pub(crate) struct SubmitPasskeySignInRoute;

error_statuses!(SubmitPasskeySignInErrors: 413, 415, 429, 500, 503);

#[OpenApi(tag = "ApiTags::Oidc")]
impl SubmitPasskeySignInRoute {
    /// Sign in with a passkey (hosted form)
    ///
    /// The sign-in page's passkey button posts here: the assertion for options from
    /// `startPasskeyAuthentication`, with the page's CSRF token (403 page otherwise). The
    /// assertion is checked as the passkey grant checks it; a refused one shows the sign-in
    /// form again with the error; an accepted one sets the browser session's cookie and
    /// goes on (the consent page, or back to the client with a code). Needs JavaScript
    /// (WebAuthn); the password form works without.
    #[oai(
        path = "/oauth2/sign-in/passkey",
        method = "post",
        operation_id = "submitPasskeySignIn"
    )]
    async fn submit_passkey_sign_in(
        &self,
        _limit: PerIp,
        state: Data<&AppState>,
        cookies: BrowserCookies,
        device: Device,
        provenance: Provenance,
        form: Form<PasskeySignInForm>,
    ) -> Result<PageResponse, Problem<SubmitPasskeySignInErrors>> {
        let Form(form) = form;
        let posted = match Posted::take_up(&state, &cookies, form.request, form.csrf).await? {
            Ok(posted) => posted,
            Err(page) => return Ok(page),
        };
        let assertion = form.assertion.unwrap_or_default();
        let (check, opening) = (password_check(&state), opening(&state));
        let asserted = sign_in_with_passkey(
            &check,
            &opening,
            &state.passkeys,
            &assertion,
            device,
            &provenance,
        )
        .await?;
        let form = |message| posted.sign_in_page(&state).render("", Some(message));
        Ok(posted.answer(&state, &cookies, asserted, form).await?)
    }
}
