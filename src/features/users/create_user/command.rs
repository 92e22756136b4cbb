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
        let username = request.username.value().and_then(|u| Username::parse(&u));
        let email = request.email.value().and_then(|e| Email::parse(&e));
        let password = request.password.value().and_then(Password::parse);
        let username = v.check("username", username);
        let email = v.check("email", email);
        let password = v.check("password", password);
        v.finish(|| {
            Some(Self {
                username: username?,
                email: email?,
                password: password?,
            })
        })
    }
}
