use poem::web::Data;
use poem_openapi::{OpenApi, param::Query};

use super::{
    handler::{Authorize, Authorized, authorize},
    query::AuthorizeQuery,
};
use crate::{
    http::{
        ApiError, ApiTags, AppState, BrowserCookies, PageResponse, PerIp, Problem, error_statuses,
    },
    services::oidc::PENDING_TTL,
};

#[derive(Default)]
pub(crate) struct AuthorizeRoute;

error_statuses!(AuthorizeErrors: 429, 500, 503);

#[OpenApi(tag = "ApiTags::Oidc")]
impl AuthorizeRoute {
    /// Authorization endpoint
    ///
    /// OpenID Connect's authorization code flow (`response_type=code`) with PKCE `S256`,
    /// required for every client. An unknown `client_id` or a `redirect_uri` the client did
    /// not register exactly is answered with an error page (400), never a redirect; every
    /// other error goes back to the redirect URI as `error`, `error_description`, `state`
    /// and `iss` (RFC 9207). A browser without a live session (or with `prompt=login`, or
    /// signed in longer ago than `max_age`) goes to the hosted sign-in page, a third-party
    /// client without remembered consent to the consent page; `prompt=none` answers
    /// `login_required` or `consent_required` instead. Otherwise a code (single use,
    /// 60 seconds) goes back with `state` and `iss`.
    #[oai(path = "/oauth2/authorize", method = "get", operation_id = "authorize")]
    #[expect(clippy::too_many_arguments, reason = "one per query parameter")]
    async fn authorize(
        &self,
        _limit: PerIp,
        state: Data<&AppState>,
        cookies: BrowserCookies,
        /// The registered client's id.
        client_id: Query<Option<String>>,
        /// Exactly one of the client's registered redirect URIs.
        redirect_uri: Query<Option<String>>,
        /// `code`.
        response_type: Query<Option<String>>,
        /// Space-separated: `openid`, `profile`, `email`, `offline_access`, permissions.
        scope: Query<Option<String>>,
        /// Sent back unchanged.
        #[oai(name = "state")]
        request_state: Query<Option<String>>,
        /// Sent back in the id_token.
        nonce: Query<Option<String>>,
        /// BASE64URL(SHA256(code_verifier)).
        code_challenge: Query<Option<String>>,
        /// `S256`.
        code_challenge_method: Query<Option<String>>,
        /// `none`, `login`, `consent`.
        prompt: Query<Option<String>>,
        /// Seconds since the sign-in beyond which the account signs in again.
        max_age: Query<Option<String>>,
        /// The login to fill in on the sign-in page.
        login_hint: Query<Option<String>>,
        /// `query` (the only one supported).
        response_mode: Query<Option<String>>,
        /// A request object: not supported (`request_not_supported`).
        request: Query<Option<String>>,
        /// A request object by reference: not supported (`request_uri_not_supported`).
        request_uri: Query<Option<String>>,
    ) -> Result<PageResponse, Problem<AuthorizeErrors>> {
        let query = AuthorizeQuery {
            client_id: client_id.0,
            redirect_uri: redirect_uri.0,
            response_type: response_type.0,
            scope: scope.0,
            state: request_state.0,
            nonce: nonce.0,
            code_challenge: code_challenge.0,
            code_challenge_method: code_challenge_method.0,
            prompt: prompt.0,
            max_age: max_age.0,
            login_hint: login_hint.0,
            response_mode: response_mode.0,
            request: request.0,
            request_uri: request_uri.0,
        };
        let with = Authorize {
            db: &state.db,
            sessions: &state.sessions,
            issuer: state.tokens.issuer(),
            now: state.clock.now(),
        };
        let authorized = authorize(&with, &query, cookies.session.as_deref())
            .await
            .map_err(ApiError::from)?;
        Ok(match authorized {
            Authorized::Refused(message) => {
                PageResponse::bad_request("Cannot sign you in", &message)
            }
            Authorized::Redirect(url) => PageResponse::Redirect(url, None),
            Authorized::Page { location, csrf } => {
                let cookie = cookies.set_csrf(&csrf, PENDING_TTL.as_secs());
                PageResponse::Redirect(location, Some(cookie))
            }
        })
    }
}
