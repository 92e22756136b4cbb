use poem::web::Data;
use poem_openapi::{OpenApi, payload::Form};

use super::dto::ConsentForm;
use crate::{
    domain::oauth::{OAuthError, OAuthErrorCode, error_url},
    features::oidc::posted::Posted,
    http::{
        ApiError, ApiTags, AppState, BrowserCookies, PageResponse, PerIp, Problem, error_statuses,
    },
    services::{
        audit::Provenance,
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
        provenance: Provenance,
        form: Form<ConsentForm>,
    ) -> Result<PageResponse, Problem<SubmitConsentErrors>> {
        let Form(form) = form;
        let posted = match Posted::take_up(&state, &cookies, form.request, form.csrf).await? {
            Ok(posted) => posted,
            Err(page) => return Ok(page),
        };
        let session = match cookies.session.as_deref() {
            Some(cookie) => {
                let now = state.clock.now();
                sessions::find_browser(&state.db, &state.sessions, cookie, now)
                    .await
                    .map_err(ApiError::from)?
            }
            None => None,
        };
        let Some(session) = session else {
            let sign_in = format!("/oauth2/sign-in?request={}", posted.handle);
            return Ok(PageResponse::Redirect(sign_in, None));
        };
        let request = &posted.resumed.pending.request;
        if form.decision.as_deref() != Some("approve") {
            oidc::forget(&state.db, &posted.handle)
                .await
                .map_err(ApiError::from)?;
            let denied = OAuthError::new(OAuthErrorCode::AccessDenied, "the account denied it");
            let (issuer, state_param) = (state.tokens.issuer(), request.state.as_deref());
            let url = error_url(&request.redirect_uri, &denied, state_param, issuer);
            return Ok(PageResponse::Redirect(url, None));
        }
        let client_id = posted.resumed.client.client_id;
        let (scopes, now) = (request.scopes(), state.clock.now());
        oidc::remember(
            &state.db,
            session.user_id,
            client_id,
            &scopes,
            &provenance,
            now,
        )
        .await
        .map_err(ApiError::from)?;
        let done = Done {
            signed_in: false,
            consented: true,
        };
        let location = posted.proceed(&state, &session, done).await?;
        Ok(PageResponse::Redirect(location, None))
    }
}
