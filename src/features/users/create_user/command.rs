use super::dto::CreateUserRequest;
use crate::domain::{Email, FieldError, Locale, Password, Username, Validator};

/// A valid registration.
#[derive(Debug)]
pub(super) struct CreateUser {
    pub username: Username,
    pub email: Email,
    pub password: Password,
    pub locale: Option<Locale>,
}

impl CreateUser {
    /// `request` validated; without a `locale` of its own it takes `accepted`, the one the
    /// request's `Accept-Language` prefers.
    pub(super) fn parse(
        request: CreateUserRequest,
        accepted: Option<Locale>,
    ) -> Result<Self, Vec<FieldError>> {
        let mut v = Validator::default();
        let username = request.username.value().and_then(|u| Username::parse(&u));
        let email = request.email.value().and_then(|e| Email::parse(&e));
        let password = request.password.value().and_then(Password::parse);
        let username = v.check("username", username);
        let email = v.check("email", email);
        let password = v.check("password", password);
        let locale = match request.locale.value() {
            Some(given) => v.check("locale", given.and_then(|l| Locale::parse(&l))),
            None => accepted,
        };
        v.finish(|| {
            Some(Self {
                username: username?,
                email: email?,
                password: password?,
                locale,
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::{CreateUser, CreateUserRequest};
    use crate::{
        domain::{FieldError, Locale},
        features::test_support::{body, described, fields},
    };

    fn parse(json: Value) -> Result<CreateUser, Vec<FieldError>> {
        CreateUser::parse(body::<CreateUserRequest>(json), None)
    }

    /// The locale of a valid registration with `locale` (a JSON value, or left out when
    /// `None`), sent with an `Accept-Language` preferring `accepted`.
    fn locale_of(locale: Option<Value>, accepted: &str) -> Option<String> {
        let mut json =
            json!({"username": "alice", "email": "a@example.com", "password": "pw-pw-pw-pw"});
        if let Some(locale) = locale {
            json["locale"] = locale;
        }
        let accepted = Some(Locale::parse(accepted).unwrap());
        let command = CreateUser::parse(body::<CreateUserRequest>(json), accepted).unwrap();
        command.locale.map(Locale::into_inner)
    }

    #[test]
    fn the_bodys_locale_canonicalised_wins_over_accept_language() {
        assert_eq!(locale_of(Some(json!("EN-us")), "fr"), Some("en-US".into()));
        assert_eq!(locale_of(None, "fr"), Some("fr".into()));
    }

    #[test]
    fn a_malformed_or_null_locale_is_a_field_error() {
        for bad in [json!("en_US"), json!(""), json!(null), json!(42)] {
            let json = json!({"username": "alice", "email": "a@example.com", "password": "pw-pw-pw-pw", "locale": bad});
            assert_eq!(fields(&parse(json).unwrap_err()), ["locale"], "{bad}");
        }
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
