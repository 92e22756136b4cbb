use poem::web::Data;
use poem_openapi::{OpenApi, payload::Form};

use super::dto::ConfirmEndSessionForm;
use crate::{
    features::oidc::pages,
    http::{
        ApiError, ApiTags, AppState, BrowserCookies, PageResponse, PerIp, Problem, error_statuses,
    },
    services::sessions,
};

#[derive(Default)]
pub(crate) struct ConfirmEndSessionRoute;

error_statuses!(ConfirmEndSessionErrors: 413, 415, 429, 500, 503);

#[OpenApi(tag = "ApiTags::Oidc")]
impl ConfirmEndSessionRoute {
    /// Confirm signing out (hosted form)
    ///
    /// The sign-out confirmation's post (a logout without `id_token_hint`): its CSRF token
    /// must be the one this browser was given with the page (403 page otherwise). Ends the
    /// browser session, clears its cookie and shows the signed-out page; the sessions of
    /// the applications it signed in to go on.
    #[oai(
        path = "/oauth2/logout",
        method = "post",
        operation_id = "confirmEndSession"
    )]
    async fn confirm_end_session(
        &self,
        _limit: PerIp,
        state: Data<&AppState>,
        cookies: BrowserCookies,
        form: Form<ConfirmEndSessionForm>,
    ) -> Result<PageResponse, Problem<ConfirmEndSessionErrors>> {
        let Form(form) = form;
        if !form
            .csrf
            .is_some_and(|csrf| !csrf.is_empty() && cookies.csrf_matches(&csrf))
        {
            return Ok(PageResponse::forbidden());
        }
        let now = state.clock.now();
        let session = match cookies.session.as_deref() {
            Some(cookie) => sessions::find_browser(&state.db, &state.sessions, cookie, now)
                .await
                .map_err(ApiError::from)?,
            None => None,
        };
        if let Some(session) = session {
            sessions::end(&state.db, session.user_id, session.id, now)
                .await
                .map_err(ApiError::from)?;
        }
        let cleared = Some(cookies.set_session("", 0));
        Ok(PageResponse::Page(pages::signed_out(), cleared))
    }
}
