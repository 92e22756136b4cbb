use poem::web::Data;
use poem_openapi::{OpenApi, param::Query};

use super::handler::{LoggedOut, Logout, end_session};
use crate::{
    features::oidc::pages,
    http::{
        ApiError, ApiTags, AppState, BrowserCookies, PageResponse, PerIp, Problem, error_statuses,
    },
    infra::security::OneTimeToken,
    services::sessions,
};

/// How long the confirmation's CSRF cookie lives.
const CONFIRMATION_TTL_SECS: u64 = 600;

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
    /// it exactly, or sees a signed-out page. With neither a hint nor a URI, a browser that
    /// is signed in is asked to confirm (`confirmEndSession`), so another site cannot sign
    /// it out. An invalid hint, or an unregistered URI, ends nothing and shows an error page
    /// (400), never a redirect.
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
        if logout.id_token_hint.is_none() && logout.post_logout_redirect_uri.is_none() {
            return Ok(confirmation(&state, &cookies).await?);
        }
        let ended = end_session(&state.db, &state.tokens, &logout, state.clock.now())
            .await
            .map_err(ApiError::from)?;
        let cleared = Some(cookies.set_session("", 0));
        Ok(match ended {
            LoggedOut::Redirect(url) => PageResponse::Redirect(url, cleared),
            LoggedOut::Page => PageResponse::Page(pages::signed_out(), cleared),
            LoggedOut::Refused(message) => PageResponse::bad_request("Cannot sign out", message),
        })
    }
}

/// A logout without a hint: the confirmation page for a signed-in browser (a fresh CSRF
/// token in its form and cookie), the signed-out page for any other.
async fn confirmation(
    state: &AppState,
    cookies: &BrowserCookies,
) -> Result<PageResponse, ApiError> {
    let session = match cookies.session.as_deref() {
        Some(cookie) => {
            let now = state.clock.now();
            sessions::find_browser(&state.db, &state.sessions, cookie, now).await?
        }
        None => None,
    };
    if session.is_none() {
        return Ok(PageResponse::Page(pages::signed_out(), None));
    }
    let csrf = OneTimeToken::generate().token;
    let cookie = cookies.set_csrf(&csrf, CONFIRMATION_TTL_SECS);
    Ok(PageResponse::Page(pages::sign_out(&csrf), Some(cookie)))
}
