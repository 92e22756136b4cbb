use super::dto::ConfirmPasswordResetRequest;
use crate::{
    domain::{FieldError, Password, Validator},
    features::users::dto::plausible_token,
};

/// Set a new password with a reset token.
#[derive(Debug)]
pub(super) struct ConfirmPasswordReset {
    pub token: String,
    pub new_password: Password,
}

impl ConfirmPasswordReset {
    /// `Err` with every invalid field (a token that is missing or not a string, a new
    /// password breaking the sign-up rules); `Ok(None)` when the token cannot be one we
    /// issued.
    pub(super) fn parse(
        request: ConfirmPasswordResetRequest,
    ) -> Result<Option<Self>, Vec<FieldError>> {
        let mut v = Validator::default();
        let token = v.check("token", request.token.value());
        let new_password = v.check(
            "new_password",
            request.new_password.value().and_then(Password::parse),
        );
        let (token, new_password) = v.finish(|| Some((token?, new_password?)))?;
        Ok(plausible_token(&token).map(|token| Self {
            token,
            new_password,
        }))
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::ConfirmPasswordReset;
    use crate::{
        domain::FieldError,
        features::test_support::{body, described, fields},
    };

    fn parse(json: Value) -> Result<Option<ConfirmPasswordReset>, Vec<FieldError>> {
        ConfirmPasswordReset::parse(body(json))
    }

    #[test]
    fn a_valid_reset_yields_the_trimmed_token_and_the_new_password() {
        let command = parse(json!({"token": " abc ", "new_password": "new and long"}));
        let command = command.unwrap().expect("a plausible token");
        assert_eq!(command.token, "abc");
        assert_eq!(command.new_password.expose(), "new and long");
    }

    #[test]
    fn missing_fields_are_both_reported() {
        assert_eq!(
            described(parse(json!({})).unwrap_err()),
            ["token: is required", "new_password: is required"]
        );
    }

    #[test]
    fn a_mistyped_token_and_a_short_password_are_both_reported() {
        let errors = parse(json!({"token": 1, "new_password": "short"})).unwrap_err();
        assert_eq!(fields(&errors), ["token", "new_password"]);
    }

    #[test]
    fn a_token_we_cannot_have_issued_is_no_command_rather_than_a_field_error() {
        for token in ["   ".to_owned(), "t".repeat(129)] {
            let parsed = parse(json!({"token": token, "new_password": "new and long"}));
            assert!(parsed.unwrap().is_none(), "{token:?}");
        }
    }

    #[test]
    fn an_invalid_password_is_reported_even_with_an_implausible_token() {
        let errors = parse(json!({"token": "", "new_password": "short"})).unwrap_err();
        assert_eq!(fields(&errors), ["new_password"]);
    }
}
