use poem::web::Data;
use poem_openapi::{OpenApi, payload::Form};

use super::{
    dto::SignInForm,
    handler::{SignedIn, sign_in_with_password},
};
use crate::{
    domain::Password,
    features::oidc::{
        pages,
        posted::{Posted, opening, password_check},
    },
    http::{ApiTags, AppState, BrowserCookies, PageResponse, PerIp, Problem, error_statuses},
    services::{audit::Provenance, sessions::Device},
};

#[derive(Default)]
pub(crate) struct SubmitSignInRoute;

error_statuses!(SubmitSignInErrors: 413, 415, 429, 500, 503);

#[OpenApi(tag = "ApiTags::Oidc")]
impl SubmitSignInRoute {
    /// Sign in (hosted form)
    ///
    /// The sign-in form's post: its CSRF token must be this browser's (403 page otherwise).
    /// The password is checked as the token endpoint's password grant checks it. A wrong
    /// one shows the form again with the error; the right one sets the browser session's
    /// cookie and goes on (the consent page, or back to the client with a code), or shows
    /// the second step for an account with one.
    #[oai(
        path = "/oauth2/sign-in",
        method = "post",
        operation_id = "submitSignIn"
    )]
    async fn submit_sign_in(
        &self,
        _limit: PerIp,
        state: Data<&AppState>,
        cookies: BrowserCookies,
        device: Device,
        provenance: Provenance,
        form: Form<SignInForm>,
    ) -> Result<PageResponse, Problem<SubmitSignInErrors>> {
        let Form(form) = form;
        let posted = match Posted::take_up(&state, &cookies, form.request, form.csrf).await? {
            Ok(posted) => posted,
            Err(page) => return Ok(page),
        };
        let (check, opening) = (password_check(&state), opening(&state));
        let login = form.login.unwrap_or_default();
        let password = Password::unchecked(form.password.unwrap_or_default());
        let signed_in =
            sign_in_with_password(&check, &opening, &login, password, device, &provenance).await?;
        let proof = match signed_in {
            SignedIn::Proof(proof) => proof,
            SignedIn::SecondStep(mfa_token) => {
                let page = pages::second_step(&posted.handle, &posted.csrf, &mfa_token, None);
                return Ok(PageResponse::Page(page, None));
            }
        };
        let form = |message| posted.sign_in_page(&state).render(&login, Some(message));
        Ok(posted.answer(&state, &cookies, proof, form).await?)
    }
}
