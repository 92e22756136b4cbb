use super::dto::CreateUserRequest;
use crate::domain::{Email, FieldError, Password, Username, Validator};

/// A valid registration.
#[derive(Debug)]
pub(super) struct CreateUser {
    pub username: Username,
    pub email: Email,
    pub password: Password,
}

impl TryFrom<CreateUserRequest> for CreateUser {
    type Error = Vec<FieldError>;

    fn try_from(request: CreateUserRequest) -> Result<Self, Self::Error> {
        let mut v = Validator::default();
        let username = v.check("username", Username::parse(request.username.as_str()));
        let email = v.check("email", Email::parse(request.email.as_str()));
        let password = v.check("password", Password::parse(request.password.into_inner()));
        v.finish(|| {
            Some(Self {
                username: username?,
                email: email?,
                password: password?,
            })
        })
    }
}
