use super::dto::ConfirmEmailRequest;
use crate::{domain::FieldError, features::users::dto::plausible_token};

/// Confirm the address a token was mailed to.
#[derive(Debug)]
pub(super) struct ConfirmEmail {
    pub token: String,
}

impl ConfirmEmail {
    /// `Err` when the field is missing or not a string; `Ok(None)` when the value cannot be a
    /// token we issued.
    pub(super) fn parse(request: ConfirmEmailRequest) -> Result<Option<Self>, Vec<FieldError>> {
        let token = request
            .token
            .value()
            .map_err(|message| vec![FieldError::new("token", message)])?;
        Ok(plausible_token(&token).map(|token| Self { token }))
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::ConfirmEmail;
    use crate::{
        domain::FieldError,
        features::test_support::{body, described},
    };

    fn parse(json: Value) -> Result<Option<ConfirmEmail>, Vec<FieldError>> {
        ConfirmEmail::parse(body(json))
    }

    #[test]
    fn a_token_is_trimmed_into_the_command() {
        let command = parse(json!({"token": " abc\n"}))
            .unwrap()
            .expect("plausible");
        assert_eq!(command.token, "abc");
    }

    #[test]
    fn a_missing_null_or_mistyped_token_is_a_field_error_naming_it() {
        for (json, message) in [
            (json!({}), "token: is required"),
            (json!({"token": null}), "token: is required"),
            (json!({"token": 42}), "token: must be a string"),
        ] {
            assert_eq!(described(parse(json).unwrap_err()), [message]);
        }
    }

    #[test]
    fn an_empty_or_overlong_token_is_no_command_rather_than_a_field_error() {
        for token in ["  ".to_owned(), "t".repeat(129)] {
            assert!(
                parse(json!({"token": token})).unwrap().is_none(),
                "{token:?}"
            );
        }
    }
}
