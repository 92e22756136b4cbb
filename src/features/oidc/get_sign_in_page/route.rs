use poem::web::Data;
use poem_openapi::{OpenApi, param::Query};

use crate::{
    features::oidc::pages::{self, SignInPage},
    http::{
        ApiError, ApiTags, AppState, BrowserCookies, PageResponse, PerIp, Problem, error_statuses,
    },
    services::oidc,
};

#[derive(Default)]
pub(crate) struct GetSignInPageRoute;

error_statuses!(GetSignInPageErrors: 429, 500, 503);

#[OpenApi(tag = "ApiTags::Oidc")]
impl GetSignInPageRoute {
    /// Sign-in page
    ///
    /// The hosted sign-in form (HTML) of the pending authorization request `request`, for
    /// the browser the authorization endpoint gave its CSRF cookie to (another browser gets
    /// 403). An unknown or expired request (10 minutes) is a 400 page.
    #[oai(
        path = "/oauth2/sign-in",
        method = "get",
        operation_id = "getSignInPage"
    )]
    async fn get_sign_in_page(
        &self,
        _limit: PerIp,
        state: Data<&AppState>,
        cookies: BrowserCookies,
        /// The pending request's handle.
        request: Query<Option<String>>,
    ) -> Result<PageResponse, Problem<GetSignInPageErrors>> {
        let handle = request.0.unwrap_or_default();
        let resumed = oidc::resume(&state.db, &handle, state.clock.now())
            .await
            .map_err(ApiError::from)?;
        let Some(resumed) = resumed else {
            return Ok(pages::expired());
        };
        let csrf = cookies.csrf.as_deref();
        if !csrf.is_some_and(|csrf| resumed.pending.csrf_matches(csrf)) {
            return Ok(PageResponse::forbidden());
        }
        let login = resumed.pending.request.login_hint.as_deref().unwrap_or("");
        let page = SignInPage {
            client_name: &resumed.client.name,
            handle: &handle,
            csrf: csrf.unwrap_or_default(),
            passkeys: state.passkeys.configured(),
        }
        .render(login, None);
        Ok(PageResponse::Page(page, None))
    }
}
