use super::dto::TokenRequestBody;
use crate::domain::{FieldError, Password, Validator};

/// Exchange a login (username or e-mail) and password for an access token.
#[derive(Debug)]
pub(super) struct CreateAccessToken {
    pub login: String,
    pub password: Password,
}

impl TryFrom<TokenRequestBody> for CreateAccessToken {
    type Error = Vec<FieldError>;

    fn try_from(body: TokenRequestBody) -> Result<Self, Self::Error> {
        let mut v = Validator::default();
        let login = v.check("username", body.username.value());
        let password = v.check("password", body.password.value());
        if let Some(grant_type) = body.grant_type.value() {
            let grant_type = grant_type.and_then(|grant| match grant.as_str() {
                "password" => Ok(()),
                _ => Err("only the `password` grant is supported".into()),
            });
            v.check("grant_type", grant_type);
        }
        if let Some(scope) = body.scope.value() {
            v.check("scope", scope);
        }
        v.finish(|| {
            Some(Self {
                login: login?,
                password: Password::unchecked(password?),
            })
        })
    }
}
