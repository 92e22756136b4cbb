use super::dto::UpdateUserRequest;
use crate::{
    domain::{Email, FieldError, Password, Username, Validator},
    infra::db::entities::user,
};

/// A valid change to the caller's account: at least one field.
#[derive(Debug)]
pub(super) struct UpdateUser {
    /// The caller's account, as the bearer check read it.
    pub account: user::Model,
    pub username: Option<Username>,
    pub email: Option<Email>,
    /// The current password, required when the e-mail address changes: a stolen access
    /// token alone must not move the account to another mailbox.
    pub current_password: Option<Password>,
}

impl UpdateUser {
    pub(super) fn parse(
        account: user::Model,
        request: UpdateUserRequest,
    ) -> Result<Self, Vec<FieldError>> {
        let mut v = Validator::default();
        let (username, email) = (request.username.value(), request.email.value());
        if username.is_none() && email.is_none() {
            v.reject("username", "give a username or an email to change");
            v.reject("email", "give a username or an email to change");
        }
        let username = username.map(|u| v.check("username", u.and_then(|u| Username::parse(&u))));
        let email = email.and_then(|e| v.check("email", e.and_then(|e| Email::parse(&e))));
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
        v.finish(|| {
            Some(Self {
                account,
                username: username.flatten(),
                email,
                current_password,
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
    use chrono::Utc;
    use uuid::Uuid;

    use super::UpdateUser;
    use crate::{
        features::users::update_current_user::dto::UpdateUserRequest, http::OptionalString,
        infra::db::entities::user,
    };

    fn account() -> user::Model {
        let now = Utc::now();
        user::Model {
            id: Uuid::now_v7(),
            username: "alice".into(),
            email: "alice@example.com".into(),
            password_hash: user::PasswordHash("x".into()),
            email_verified: true,
            disabled_at: None,
            created_at: now,
            updated_at: now,
        }
    }

    /// A field as JSON would give it: left out, or a string.
    fn field<R>(value: Option<&str>) -> OptionalString<R> {
        value.map_or_else(OptionalString::default, |v| {
            serde_json::from_value(serde_json::json!(v)).unwrap()
        })
    }

    fn request(email: Option<&str>, current_password: Option<&str>) -> UpdateUserRequest {
        UpdateUserRequest {
            username: field(None),
            email: field(email),
            current_password: field(current_password),
        }
    }

    #[test]
    fn a_new_address_needs_the_current_password() {
        let err = UpdateUser::parse(account(), request(Some("eve@example.com"), None)).unwrap_err();
        assert_eq!(err.len(), 1);
        assert_eq!(err[0].field, "current_password");
        let ok = UpdateUser::parse(account(), request(Some("eve@example.com"), Some("pw")));
        assert_eq!(ok.unwrap().new_email().unwrap().as_str(), "eve@example.com");
    }

    #[test]
    fn the_same_address_in_another_case_moves_nothing_and_needs_no_password() {
        let same = UpdateUser::parse(account(), request(Some(" Alice@Example.COM"), None));
        assert!(same.unwrap().new_email().is_none());
    }
}
