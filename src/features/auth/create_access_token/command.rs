use super::dto::TokenRequestBody;
use crate::{
    domain::{FieldError, Password},
    http::JsonString,
};

/// Exchange a login (username or e-mail) and password for an access token.
#[derive(Debug)]
pub(super) struct CreateAccessToken {
    pub login: String,
    pub password: Password,
}

impl TryFrom<TokenRequestBody> for CreateAccessToken {
    type Error = Vec<FieldError>;

    fn try_from(body: TokenRequestBody) -> Result<Self, Self::Error> {
        match body.grant_type.as_ref().map(JsonString::as_str) {
            None | Some("password") => Ok(Self {
                login: body.username.into_inner(),
                password: Password::unchecked(body.password.into_inner()),
            }),
            Some(_) => Err(vec![FieldError::new(
                "grant_type",
                "only the `password` grant is supported",
            )]),
        }
    }
}
