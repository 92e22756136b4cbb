use poem::web::Data;
use poem_openapi::{OpenApi, payload::Form};

use super::{
    dto::SecondStepForm,
    handler::{Proven, prove_second_step},
};
use crate::{
    features::oidc::pages::{self, Opening},
    http::{
        ApiError, ApiTags, AppState, BrowserCookies, PageResponse, PerIp, Problem, error_statuses,
    },
    services::{
        audit::Provenance,
        mfa::Code,
        oidc::{self, Done},
        sessions::Device,
        sign_in::PasswordCheck,
    },
};

#[derive(Default)]
pub(crate) struct SubmitSecondStepRoute;

error_statuses!(SubmitSecondStepErrors: 413, 415, 429, 500, 503);

#[OpenApi(tag = "ApiTags::Oidc")]
impl SubmitSecondStepRoute {
    /// Second step (hosted form)
    ///
    /// The second step's post, after a right password for an account with two-step
    /// sign-in: a TOTP code or a recovery code. Its CSRF token must be this browser's (403
    /// page otherwise). A wrong code shows the form again (the step dies after 5); the
    /// right one sets the browser session's cookie and goes on.
    #[oai(
        path = "/oauth2/sign-in/second-step",
        method = "post",
        operation_id = "submitSecondStep"
    )]
    async fn submit_second_step(
        &self,
        _limit: PerIp,
        state: Data<&AppState>,
        cookies: BrowserCookies,
        device: Device,
        provenance: Provenance,
        form: Form<SecondStepForm>,
    ) -> Result<PageResponse, Problem<SubmitSecondStepErrors>> {
        let Form(form) = form;
        let now = state.clock.now();
        let handle = form.request.unwrap_or_default();
        let resumed = oidc::resume(&state.db, &handle, now)
            .await
            .map_err(ApiError::from)?;
        let Some(resumed) = resumed else {
            return Ok(pages::expired());
        };
        let csrf = form
            .csrf
            .filter(|csrf| pages::csrf_ok(&cookies, Some(csrf), &resumed.pending));
        let Some(csrf) = csrf else {
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
        let mfa_token = form.mfa_token.unwrap_or_default();
        let code = Code::parse(form.code.as_deref().unwrap_or_default());
        let proven = prove_second_step(
            &check,
            &opening,
            &state.totp,
            &mfa_token,
            &code,
            device,
            &provenance,
        )
        .await?;
        let (session, cookie) = match proven {
            Proven::Session(session, cookie) => (session, cookie),
            Proven::Refused(message) => {
                let page = pages::second_step(&handle, &csrf, &mfa_token, Some(message));
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
