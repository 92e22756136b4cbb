use super::dto::ChangePasswordRequest;
use crate::domain::{FieldError, Password, Validator};

/// Replace the caller's password.
#[derive(Debug)]
pub(super) struct ChangePassword {
    /// Checked against the hash as given (no policy: old passwords keep working).
    pub current: Password,
    /// Follows the sign-up rules, and differs from `current`.
    pub new: Password,
    /// The second-factor code, needed when the account has one.
    pub code: Option<String>,
}

impl TryFrom<ChangePasswordRequest> for ChangePassword {
    type Error = Vec<FieldError>;

    /// A new password equal to the one given as current is refused here: it would end the
    /// other sessions and mail a warning while changing nothing. Comparing the two fields
    /// needs no hash and tells nobody anything they did not send.
    fn try_from(request: ChangePasswordRequest) -> Result<Self, Self::Error> {
        let mut v = Validator::default();
        let current = v.check("current_password", request.current_password.value());
        let new = v.check(
            "new_password",
            request.new_password.value().and_then(Password::parse),
        );
        if let (Some(current), Some(new)) = (&current, &new)
            && current == new.expose()
        {
            v.reject("new_password", "must differ from the current password");
        }
        let code = request.code.value().and_then(|code| v.check("code", code));
        v.finish(|| {
            Some(Self {
                current: Password::unchecked(current?),
                new: new?,
                code,
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::{ChangePassword, ChangePasswordRequest};
    use crate::{
        domain::FieldError,
        features::test_support::{body, described},
    };

    fn parse(json: Value) -> Result<ChangePassword, Vec<FieldError>> {
        ChangePassword::try_from(body::<ChangePasswordRequest>(json))
    }

    #[test]
    fn a_valid_change_yields_both_passwords() {
        let command = parse(json!({"current_password": "old one", "new_password": "new and long"}));
        let command = command.unwrap();
        assert_eq!(command.current.expose(), "old one");
        assert_eq!(command.new.expose(), "new and long");
    }

    #[test]
    fn the_current_password_is_not_held_to_the_sign_up_rules() {
        let command = parse(json!({"current_password": "x", "new_password": "new and long"}));
        assert_eq!(command.unwrap().current.expose(), "x");
    }

    #[test]
    fn missing_fields_are_both_reported() {
        assert_eq!(
            described(parse(json!({})).unwrap_err()),
            ["current_password: is required", "new_password: is required"]
        );
    }

    #[test]
    fn mistyped_fields_are_both_reported() {
        let errors = parse(json!({"current_password": 1, "new_password": true})).unwrap_err();
        assert_eq!(
            described(errors),
            [
                "current_password: must be a string",
                "new_password: must be a string"
            ]
        );
    }

    #[test]
    fn a_short_new_password_is_a_field_error_naming_it() {
        let errors = parse(json!({"current_password": "old one", "new_password": "short"}));
        assert_eq!(
            described(errors.unwrap_err()),
            ["new_password: must be 8 to 72 bytes long"]
        );
    }

    #[test]
    fn a_new_password_equal_to_the_current_one_is_refused_on_new_password() {
        let errors = parse(json!({"current_password": "same one", "new_password": "same one"}));
        assert_eq!(
            described(errors.unwrap_err()),
            ["new_password: must differ from the current password"]
        );
    }
}
