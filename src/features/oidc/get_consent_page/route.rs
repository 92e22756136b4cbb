use poem::web::Data;
use poem_openapi::{OpenApi, param::Query};

use crate::{
    features::oidc::pages,
    http::{
        ApiError, ApiTags, AppState, BrowserCookies, PageResponse, PerIp, Problem, error_statuses,
    },
    services::{oidc, sessions},
};

#[derive(Default)]
pub(crate) struct GetConsentPageRoute;

error_statuses!(GetConsentPageErrors: 429, 500, 503);

#[OpenApi(tag = "ApiTags::Oidc")]
impl GetConsentPageRoute {
    /// Consent page
    ///
    /// What a third-party client asks for (HTML), with Allow and Deny, for the signed-in
    /// browser the authorization endpoint gave its CSRF cookie to (another browser gets
    /// 403). Without a live browser session, the sign-in page comes first.
    #[oai(
        path = "/oauth2/consent",
        method = "get",
        operation_id = "getConsentPage"
    )]
    async fn get_consent_page(
        &self,
        _limit: PerIp,
        state: Data<&AppState>,
        cookies: BrowserCookies,
        /// The pending request's handle.
        request: Query<Option<String>>,
    ) -> Result<PageResponse, Problem<GetConsentPageErrors>> {
        let now = state.clock.now();
        let handle = request.0.unwrap_or_default();
        let resumed = oidc::resume(&state.db, &handle, now)
            .await
            .map_err(ApiError::from)?;
        let Some(resumed) = resumed else {
            return Ok(pages::expired());
        };
        let csrf = cookies.csrf.as_deref();
        let Some(csrf) = csrf.filter(|csrf| resumed.pending.csrf_matches(csrf)) else {
            return Ok(PageResponse::forbidden());
        };
        let session = match cookies.session.as_deref() {
            Some(cookie) => sessions::find_browser(&state.db, &state.sessions, cookie, now)
                .await
                .map_err(ApiError::from)?,
            None => None,
        };
        if session.is_none() {
            return Ok(PageResponse::Redirect(
                format!("/oauth2/sign-in?request={handle}"),
                None,
            ));
        }
        let scopes = resumed.pending.request.scopes();
        let page = pages::consent(&resumed.client.name, &handle, csrf, &scopes);
        Ok(PageResponse::Page(page, None))
    }
}
