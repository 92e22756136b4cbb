use poem::web::Data;
use poem_openapi::{OpenApi, payload::Form};

use super::{dto::SecondStepForm, handler::prove_second_step};
use crate::{
    features::oidc::{
        pages,
        posted::{Posted, opening, password_check},
    },
    http::{ApiTags, AppState, BrowserCookies, PageResponse, PerIp, Problem, error_statuses},
    services::{audit::Provenance, mfa::Code, sessions::Device},
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
        let posted = match Posted::take_up(&state, &cookies, form.request, form.csrf).await? {
            Ok(posted) => posted,
            Err(page) => return Ok(page),
        };
        let (check, opening) = (password_check(&state), opening(&state));
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
        let (handle, csrf) = (&posted.handle, &posted.csrf);
        let form = |message| pages::second_step(handle, csrf, &mfa_token, Some(message));
        Ok(posted.answer(&state, &cookies, proven, form).await?)
    }
}
