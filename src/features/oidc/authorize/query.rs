use uuid::Uuid;

use crate::domain::oauth::RawAuthorizeParams;

/// The authorization request's parameters as sent (RFC 6749 §4.1.1, OpenID Connect Core
/// §3.1.2.1); judged in two stages by the handler.
#[derive(Debug, Default)]
pub(super) struct AuthorizeQuery {
    pub client_id: Option<String>,
    pub redirect_uri: Option<String>,
    pub response_type: Option<String>,
    pub scope: Option<String>,
    pub state: Option<String>,
    pub nonce: Option<String>,
    pub code_challenge: Option<String>,
    pub code_challenge_method: Option<String>,
    pub prompt: Option<String>,
    pub max_age: Option<String>,
    pub login_hint: Option<String>,
    pub response_mode: Option<String>,
    pub request: Option<String>,
    pub request_uri: Option<String>,
}

impl AuthorizeQuery {
    /// The client the request names, when `client_id` is a client id at all.
    pub(super) fn client_id(&self) -> Option<Uuid> {
        self.client_id.as_deref()?.parse().ok()
    }

    /// The parameters judged after the client and the redirect URI.
    pub(super) fn rest(&self) -> RawAuthorizeParams<'_> {
        RawAuthorizeParams {
            response_type: self.response_type.as_deref(),
            scope: self.scope.as_deref(),
            state: self.state.as_deref(),
            nonce: self.nonce.as_deref(),
            code_challenge: self.code_challenge.as_deref(),
            code_challenge_method: self.code_challenge_method.as_deref(),
            prompt: self.prompt.as_deref(),
            max_age: self.max_age.as_deref(),
            login_hint: self.login_hint.as_deref(),
            response_mode: self.response_mode.as_deref(),
            request_object: self.request.is_some(),
            request_uri: self.request_uri.is_some(),
        }
    }
}
