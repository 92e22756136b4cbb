use uuid::Uuid;

use super::dto::OauthTokenForm;
use crate::domain::oauth::{OAuthError, OAuthErrorCode};

/// How the client authenticates (RFC 6749 §2.3).
#[derive(Debug, PartialEq, Eq)]
pub(super) enum ClientCredentials {
    /// `client_secret_basic`.
    Basic { client_id: String, secret: String },
    /// `client_secret_post`.
    Post { client_id: String, secret: String },
    /// A public client: its id alone.
    None { client_id: String },
}

/// The grant asked for.
#[derive(Debug)]
pub(super) enum Grant {
    AuthorizationCode {
        code: String,
        redirect_uri: Option<String>,
        code_verifier: Option<String>,
    },
    RefreshToken {
        refresh_token: String,
    },
}

/// A token request: who asks, for what.
#[derive(Debug)]
pub(super) struct TokenRequest {
    pub credentials: ClientCredentials,
    pub grant: Grant,
}

fn invalid(description: &str) -> OAuthError {
    OAuthError::new(OAuthErrorCode::InvalidRequest, description)
}

impl TokenRequest {
    /// The request from its form and its `Authorization: Basic` credentials, if any.
    pub(super) fn parse(
        form: OauthTokenForm,
        basic: Option<(String, String)>,
    ) -> Result<Self, OAuthError> {
        if let Some(name) = form.repeated.first() {
            return Err(invalid(&format!("{name} is given more than once")));
        }
        let credentials = match (basic, form.client_secret) {
            (Some(_), Some(_)) => {
                return Err(invalid("use one client authentication method, not two"));
            }
            (Some((client_id, secret)), None) => ClientCredentials::Basic { client_id, secret },
            (None, Some(secret)) => ClientCredentials::Post {
                client_id: form
                    .client_id
                    .ok_or_else(|| invalid("client_id is required"))?,
                secret,
            },
            (None, None) => ClientCredentials::None {
                client_id: form
                    .client_id
                    .ok_or_else(|| invalid("client_id is required"))?,
            },
        };
        let grant = match form.grant_type.as_deref() {
            Some("authorization_code") => Grant::AuthorizationCode {
                code: form.code.ok_or_else(|| invalid("code is required"))?,
                redirect_uri: form.redirect_uri,
                code_verifier: form.code_verifier,
            },
            Some("refresh_token") => Grant::RefreshToken {
                refresh_token: form
                    .refresh_token
                    .ok_or_else(|| invalid("refresh_token is required"))?,
            },
            Some(_) => {
                return Err(OAuthError::new(
                    OAuthErrorCode::UnsupportedGrantType,
                    "grant_type must be authorization_code or refresh_token",
                ));
            }
            None => return Err(invalid("grant_type is required")),
        };
        Ok(Self { credentials, grant })
    }
}

impl ClientCredentials {
    /// The client id it names, when it is one.
    pub(super) fn client_id(&self) -> Option<Uuid> {
        match self {
            Self::Basic { client_id, .. }
            | Self::Post { client_id, .. }
            | Self::None { client_id } => client_id.parse().ok(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{ClientCredentials, TokenRequest};
    use crate::{
        domain::oauth::OAuthErrorCode, features::oidc::create_oauth_token::dto::OauthTokenForm,
    };

    fn form(grant_type: &str) -> OauthTokenForm {
        OauthTokenForm {
            grant_type: Some(grant_type.into()),
            code: Some("c".into()),
            client_id: Some("id".into()),
            ..OauthTokenForm::default()
        }
    }

    #[test]
    fn one_client_authentication_method_at_most() {
        let mut both = form("authorization_code");
        both.client_secret = Some("s".into());
        let err = TokenRequest::parse(both, Some(("id".into(), "s".into()))).unwrap_err();
        assert_eq!(err.code, OAuthErrorCode::InvalidRequest);
        let public = TokenRequest::parse(form("authorization_code"), None).unwrap();
        assert_eq!(
            public.credentials,
            ClientCredentials::None {
                client_id: "id".into()
            }
        );
    }

    #[test]
    fn unknown_grants_and_missing_fields_have_their_codes() {
        let err = TokenRequest::parse(form("password"), None).unwrap_err();
        assert_eq!(err.code, OAuthErrorCode::UnsupportedGrantType);
        let err = TokenRequest::parse(form("refresh_token"), None).unwrap_err();
        assert_eq!(err.code, OAuthErrorCode::InvalidRequest);
    }
}
