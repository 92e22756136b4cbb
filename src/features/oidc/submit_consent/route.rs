use poem::web::Data;
use poem_openapi::{OpenApi, payload::Form};

use super::dto::ConsentForm;
use crate::{
    domain::oauth::{OAuthError, OAuthErrorCode, error_url},
    features::oidc::pages,
    http::{
        ApiError, ApiTags, AppState, BrowserCookies, PageResponse, PerIp, Problem, error_statuses,
    },
    services::{
        oidc::{self, Done},
        sessions,
    },
};

#[derive(Default)]
pub(crate) struct SubmitConsentRoute;

error_statuses!(SubmitConsentErrors: 413, 415, 429, 500, 503);

#[OpenApi(tag = "ApiTags::Oidc")]
impl SubmitConsentRoute {
    /// Answer the consent page
    ///
    /// `approve` remembers the scopes for this client (asked again only for new ones, or
    /// with `prompt=consent`) and goes back to the client with a code; `deny` goes back
    /// with `error=access_denied`. Its CSRF token must be this browser's (403 page
    /// otherwise).
    #[oai(
        path = "/oauth2/consent",
        method = "post",
        operation_id = "submitConsent"
    )]
    async fn submit_consent(
        &self,
        _limit: PerIp,
        state: Data<&AppState>,
        cookies: BrowserCookies,
        form: Form<ConsentForm>,
    ) -> Result<PageResponse, Problem<SubmitConsentErrors>> {
        let Form(form) = form;
        let now = state.clock.now();
        let handle = form.request.unwrap_or_default();
        let resumed = oidc::resume(&state.db, &handle, now)
            .await
            .map_err(ApiError::from)?;
        let Some(resumed) = resumed else {
            return Ok(pages::expired());
        };
        if !pages::csrf_ok(&cookies, form.csrf.as_deref(), &resumed.pending) {
            return Ok(PageResponse::forbidden());
        }
        let session = match cookies.session.as_deref() {
            Some(cookie) => sessions::find_browser(&state.db, &state.sessions, cookie, now)
                .await
                .map_err(ApiError::from)?,
            None => None,
        };
        let Some(session) = session else {
            return Ok(PageResponse::Redirect(
                format!("/oauth2/sign-in?request={handle}"),
                None,
            ));
        };
        let request = &resumed.pending.request;
        let issuer = state.tokens.issuer();
        if form.decision.as_deref() != Some("approve") {
            oidc::forget(&state.db, &handle)
                .await
                .map_err(ApiError::from)?;
            let denied = OAuthError::new(OAuthErrorCode::AccessDenied, "the account denied it");
            let url = error_url(
                &request.redirect_uri,
                &denied,
                request.state.as_deref(),
                issuer,
            );
            return Ok(PageResponse::Redirect(url, None));
        }
        let client_id = resumed.client.client_id;
        oidc::remember(
            &state.db,
            session.user_id,
            client_id,
            &request.scopes(),
            now,
        )
        .await
        .map_err(ApiError::from)?;
        let done = Done {
            signed_in: false,
            consented: true,
        };
        let location = oidc::proceed(&state.db, &resumed, &handle, &session, done, issuer, now)
            .await
            .map_err(ApiError::from)?;
        Ok(PageResponse::Redirect(location, None))
    }
}
