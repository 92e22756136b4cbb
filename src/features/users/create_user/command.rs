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

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::{CreateUser, CreateUserRequest};
    use crate::{
        domain::FieldError,
        features::test_support::{body, described, fields},
    };

    fn parse(json: Value) -> Result<CreateUser, Vec<FieldError>> {
        CreateUser::try_from(body::<CreateUserRequest>(json))
    }

    #[test]
    fn a_valid_registration_yields_the_command_with_the_address_normalized() {
        let json = json!({"username": "alice", "email": " Alice@Example.COM ", "password": "correct horse"});
        let command = parse(json).unwrap();
        assert_eq!(command.username.as_str(), "alice");
        assert_eq!(command.email.as_str(), "alice@example.com");
        assert_eq!(command.password.expose(), "correct horse");
    }

    #[test]
    fn every_invalid_field_is_reported_not_just_the_first() {
        let errors = parse(json!({"username": "a", "email": "nope", "password": "short"}));
        assert_eq!(
            fields(&errors.unwrap_err()),
            ["username", "email", "password"]
        );
    }

    #[test]
    fn missing_null_and_mistyped_fields_are_field_errors_naming_them() {
        let errors = parse(json!({"username": null, "email": 12345})).unwrap_err();
        assert_eq!(
            described(errors),
            [
                "username: is required",
                "email: must be a string",
                "password: is required"
            ]
        );
    }
}
