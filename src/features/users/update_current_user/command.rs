use super::dto::UpdateUserRequest;
use crate::{
    domain::{Email, FieldError, Locale, Password, Username, Validator},
    infra::db::entities::user,
};

/// A valid change to the caller's account: at least one field.
#[derive(Debug)]
pub(super) struct UpdateUser {
    /// The caller's account, as the bearer check read it.
    pub account: user::Model,
    pub username: Option<Username>,
    pub email: Option<Email>,
    pub locale: Option<Locale>,
    /// The current password, required when the e-mail address changes: a stolen access
    /// token alone must not move the account to another mailbox.
    pub current_password: Option<Password>,
    /// The second-factor code confirming a new address, needed when the account has one.
    pub code: Option<String>,
}

impl UpdateUser {
    pub(super) fn parse(
        account: user::Model,
        request: UpdateUserRequest,
    ) -> Result<Self, Vec<FieldError>> {
        let mut v = Validator::default();
        let (username, email) = (request.username.value(), request.email.value());
        let locale = request.locale.value();
        if username.is_none() && email.is_none() && locale.is_none() {
            for field in ["username", "email", "locale"] {
                v.reject(field, "give a username, an email or a locale to change");
            }
        }
        let username = username.map(|u| v.check("username", u.and_then(|u| Username::parse(&u))));
        let email = email.and_then(|e| v.check("email", e.and_then(|e| Email::parse(&e))));
        let locale = locale.and_then(|l| v.check("locale", l.and_then(|l| Locale::parse(&l))));
        let moves = email.as_ref().is_some_and(|e| e.as_str() != account.email);
        let current_password = match request.current_password.value() {
            Some(given) => v.check("current_password", given).map(Password::unchecked),
            None if moves => {
                let required = password_required();
                v.reject(&required.field, required.message);
                None
            }
            None => None,
        };
        let code = request.code.value().and_then(|code| v.check("code", code));
        v.finish(|| {
            Some(Self {
                account,
                username: username.flatten(),
                email,
                locale,
                current_password,
                code,
            })
        })
    }

    /// The new address, when it differs from the account's.
    pub(super) fn new_email(&self) -> Option<&Email> {
        self.email
            .as_ref()
            .filter(|email| email.as_str() != self.account.email)
    }
}

/// A new address came without `current_password`.
pub(super) fn password_required() -> FieldError {
    FieldError::new(
        "current_password",
        "is required to change the e-mail address",
    )
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::UpdateUser;
    use crate::{
        domain::FieldError,
        features::test_support::{account, body, described, fields},
    };

    /// `body` as the account `alice` (`alice@example.com`) sends it.
    fn parse(json: Value) -> Result<UpdateUser, Vec<FieldError>> {
        UpdateUser::parse(account(), body(json))
    }

    #[test]
    fn a_new_address_needs_the_current_password() {
        let err = parse(json!({"email": "eve@example.com"})).unwrap_err();
        assert_eq!(fields(&err), ["current_password"]);
        let ok = parse(json!({"email": "eve@example.com", "current_password": "pw"}));
        assert_eq!(ok.unwrap().new_email().unwrap().as_str(), "eve@example.com");
    }

    #[test]
    fn the_same_address_in_another_case_moves_nothing_and_needs_no_password() {
        let same = parse(json!({"email": " Alice@Example.COM"}));
        assert!(same.unwrap().new_email().is_none());
    }

    #[test]
    fn an_empty_body_is_an_error_on_every_field() {
        assert_eq!(
            fields(&parse(json!({})).unwrap_err()),
            ["username", "email", "locale"]
        );
    }

    #[test]
    fn a_locale_alone_is_a_change_kept_in_canonical_case() {
        let command = parse(json!({"locale": "pt-br"})).unwrap();
        assert_eq!(command.locale.unwrap().as_str(), "pt-BR");
        assert!(command.username.is_none() && command.email.is_none());
    }

    #[test]
    fn a_malformed_or_null_locale_is_a_field_error() {
        for bad in [json!("pt_BR"), json!(null), json!(["de"])] {
            let errors = parse(json!({"username": "bob", "locale": bad})).unwrap_err();
            assert_eq!(fields(&errors), ["locale"], "{bad}");
        }
    }

    #[test]
    fn a_username_alone_is_a_change_that_needs_no_password() {
        let command = parse(json!({"username": "bob"})).unwrap();
        assert_eq!(command.username.unwrap().as_str(), "bob");
        assert!(command.email.is_none() && command.current_password.is_none());
    }

    #[test]
    fn an_invalid_username_and_an_invalid_address_are_both_reported() {
        let errors = parse(json!({"username": "x", "email": "nope"})).unwrap_err();
        assert_eq!(fields(&errors), ["username", "email"]);
    }

    #[test]
    fn null_and_mistyped_values_are_field_errors_naming_them() {
        let errors = parse(json!({"username": null, "email": 1, "current_password": false}));
        assert_eq!(
            described(errors.unwrap_err()),
            [
                "username: must be a string",
                "email: must be a string",
                "current_password: must be a string"
            ]
        );
    }

    #[test]
    fn a_password_given_with_a_new_address_is_kept_as_sent() {
        let json = json!({"email": "eve@example.com", "current_password": "old"});
        let command = parse(json).unwrap();
        assert_eq!(command.current_password.unwrap().expose(), "old");
    }
}
