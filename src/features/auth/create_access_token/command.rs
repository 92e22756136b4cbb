use super::dto::TokenRequestBody;
use crate::domain::{FieldError, Password, Validator};

/// Exchange a login and password (opening a session) or a refresh token (rotating it) for
/// an access token and a refresh token.
#[derive(Debug)]
pub(super) enum CreateAccessToken {
    Password { login: String, password: Password },
    RefreshToken { refresh_token: String },
}

impl TryFrom<TokenRequestBody> for CreateAccessToken {
    type Error = Vec<FieldError>;

    fn try_from(body: TokenRequestBody) -> Result<Self, Self::Error> {
        let mut v = Validator::default();
        let grant_type = match body.grant_type.value() {
            None => Some("password".to_owned()),
            Some(grant_type) => v.check("grant_type", grant_type),
        };
        if let Some(scope) = body.scope.value() {
            v.check("scope", scope);
        }
        let required = |field: Option<Result<String, String>>| {
            field.unwrap_or_else(|| Err("is required".into()))
        };
        match grant_type.as_deref() {
            Some("refresh_token") => {
                let refresh_token = v.check("refresh_token", required(body.refresh_token.value()));
                v.finish(|| {
                    Some(Self::RefreshToken {
                        refresh_token: refresh_token?,
                    })
                })
            }
            Some("password") => {
                let login = v.check("username", required(body.username.value()));
                let password = v.check("password", required(body.password.value()));
                v.finish(|| {
                    Some(Self::Password {
                        login: login?,
                        password: Password::unchecked(password?),
                    })
                })
            }
            Some(_) => {
                v.reject("grant_type", "must be `password` or `refresh_token`");
                v.finish(|| None)
            }
            None => v.finish(|| None),
        }
    }
}
