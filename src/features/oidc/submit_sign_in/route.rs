use poem::web::Data;
use poem_openapi::{OpenApi, payload::Form};

use super::{
    dto::SignInForm,
    handler::{SignedIn, sign_in_with_password},
};
use crate::{
    domain::Password,
    features::oidc::pages::{self, Opening},
    http::{
        ApiError, ApiTags, AppState, BrowserCookies, PageResponse, PerIp, Problem, error_statuses,
    },
    services::{
        audit::Provenance,
        oidc::{self, Done},
        sessions::Device,
        sign_in::PasswordCheck,
    },
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
        let now = state.clock.now();
        let handle = form.request.unwrap_or_default();
        let resumed = oidc::resume(&state.db, &handle, now)
            .await
            .map_err(ApiError::from)?;
        let Some(resumed) = resumed else {
            return Ok(pages::expired());
        };
        let Some(csrf) = form
            .csrf
            .filter(|csrf| pages::csrf_ok(&cookies, Some(csrf), &resumed.pending))
        else {
            return Ok(PageResponse::forbidden());
        };
        let check = PasswordCheck {
            db: &state.db,
            clock: &state.clock,
            hasher: &state.hasher,
            limits: &state.limits,
            require_verified_email: state.require_verified_email,
        };
        let opening = Opening {
            sessions: &state.sessions,
            new_sign_in: &state.new_sign_in,
        };
        let login = form.login.unwrap_or_default();
        let password = Password::unchecked(form.password.unwrap_or_default());
        let signed_in =
            sign_in_with_password(&check, &opening, &login, password, device, &provenance).await?;
        let client_name = &resumed.client.name;
        let (session, cookie) = match signed_in {
            SignedIn::Session(session, cookie) => (session, cookie),
            SignedIn::SecondStep(mfa_token) => {
                let page = pages::second_step(&handle, &csrf, &mfa_token, None);
                return Ok(PageResponse::Page(page, None));
            }
            SignedIn::Refused(message) => {
                let page = pages::sign_in(client_name, &handle, &csrf, &login, Some(message));
                return Ok(PageResponse::Page(page, None));
            }
        };
        let done = Done {
            signed_in: true,
            consented: false,
        };
        let issuer = state.tokens.issuer();
        let location = oidc::proceed(&state.db, &resumed, &handle, &session, done, issuer, now)
            .await
            .map_err(ApiError::from)?;
        let cookie = cookies.set_session(&cookie, state.sessions.ttl.as_secs());
        Ok(PageResponse::Redirect(location, Some(cookie)))
    }
}
