//! OAuth 2.0's error codes (RFC 6749 §4.1.2.1 and §5.2, OpenID Connect Core §3.1.2.6).

/// An `error` value, as the authorization endpoint's redirect or the token endpoint's JSON
/// sends it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, strum::IntoStaticStr)]
#[strum(serialize_all = "snake_case")]
pub enum OAuthErrorCode {
    /// A parameter is missing, repeated, malformed or unsupported.
    InvalidRequest,
    /// Client authentication failed (token endpoint: 401).
    InvalidClient,
    /// The code or refresh token is invalid, expired, revoked, replayed, or bound to
    /// another client or redirect URI, or the PKCE verifier is wrong.
    InvalidGrant,
    /// The client may not use this grant or response type.
    UnauthorizedClient,
    /// The token endpoint does not know the grant type.
    UnsupportedGrantType,
    /// The authorization endpoint supports only `code`.
    UnsupportedResponseType,
    /// A scope is unknown or not allowed to the client.
    InvalidScope,
    /// The account refused the request on the consent page.
    AccessDenied,
    /// The server failed; nothing the client sent.
    ServerError,
    /// `prompt=none` and no live browser session.
    LoginRequired,
    /// `prompt=none` and the client needs consent the account has not given.
    ConsentRequired,
    /// A `request` parameter: request objects are not supported.
    RequestNotSupported,
    /// A `request_uri` parameter: request objects are not supported.
    RequestUriNotSupported,
}

impl OAuthErrorCode {
    /// The code as OAuth writes it.
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

/// An OAuth error: its code and a description for the client's developer (never shown to
/// an end user as is).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OAuthError {
    /// The `error` value.
    pub code: OAuthErrorCode,
    /// The `error_description` value.
    pub description: String,
}

impl OAuthError {
    /// An error with its description.
    pub fn new(code: OAuthErrorCode, description: impl Into<String>) -> Self {
        Self {
            code,
            description: description.into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::OAuthErrorCode;

    #[test]
    fn codes_are_written_as_oauth_writes_them() {
        assert_eq!(OAuthErrorCode::InvalidGrant.as_str(), "invalid_grant");
        assert_eq!(OAuthErrorCode::LoginRequired.as_str(), "login_required");
        assert_eq!(
            OAuthErrorCode::UnsupportedResponseType.as_str(),
            "unsupported_response_type"
        );
    }
}
