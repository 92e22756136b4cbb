use poem::web::Data;
use poem_openapi::{OpenApi, param::Query};

use super::handler::{LoggedOut, Logout, end_session};
use crate::http::{
    ApiError, ApiTags, AppState, BrowserCookies, PageResponse, PerIp, Problem, error_statuses,
    render,
};

#[derive(Default)]
pub(crate) struct EndSessionRoute;

error_statuses!(EndSessionErrors: 429, 500, 503);

#[OpenApi(tag = "ApiTags::Oidc")]
impl EndSessionRoute {
    /// End the browser session
    ///
    /// RP-Initiated Logout 1.0: `id_token_hint` (an id_token of this service, expired or
    /// not) names the browser session to end; the cookie is cleared, and the browser goes
    /// back to `post_logout_redirect_uri` (with `state`) when the token's client registered
    /// it exactly, or sees a signed-out page. Without a valid hint, or with an unregistered
    /// URI, nothing is ended and an error page (400) is shown, never a redirect.
    #[oai(path = "/oauth2/logout", method = "get", operation_id = "endSession")]
    #[expect(clippy::too_many_arguments, reason = "one per query parameter")]
    async fn end_session(
        &self,
        _limit: PerIp,
        state: Data<&AppState>,
        cookies: BrowserCookies,
        /// An id_token this service issued.
        id_token_hint: Query<Option<String>>,
        /// One of the client's registered post-logout redirect URIs.
        post_logout_redirect_uri: Query<Option<String>>,
        /// Sent back unchanged.
        #[oai(name = "state")]
        logout_state: Query<Option<String>>,
        /// The client's id (must be the id_token's audience).
        client_id: Query<Option<String>>,
    ) -> Result<PageResponse, Problem<EndSessionErrors>> {
        let logout = Logout {
            id_token_hint: id_token_hint.0,
            post_logout_redirect_uri: post_logout_redirect_uri.0,
            state: logout_state.0,
            client_id: client_id.0,
        };
        let ended = end_session(&state.db, &state.tokens, &logout, state.clock.now())
            .await
            .map_err(ApiError::from)?;
        let cleared = Some(cookies.set_session("", 0));
        Ok(match ended {
            LoggedOut::Redirect(url) => PageResponse::Redirect(url, cleared),
            LoggedOut::Page => {
                let context = minijinja::context! {
                    title => "You are signed out",
                    message => "You can close this window.",
                };
                PageResponse::Page(render("error", "Signed out", context), cleared)
            }
            LoggedOut::Refused(message) => PageResponse::bad_request("Cannot sign out", message),
        })
    }
}
