use super::dto::PasswordResetRequest;
use crate::domain::{Email, FieldError};

/// Mail a reset token to the account with this address, if there is one.
#[derive(Debug)]
pub(super) struct RequestPasswordReset {
    pub email: Email,
}

impl TryFrom<PasswordResetRequest> for RequestPasswordReset {
    type Error = Vec<FieldError>;

    fn try_from(request: PasswordResetRequest) -> Result<Self, Self::Error> {
        match request.email.value().and_then(|e| Email::parse(&e)) {
            Ok(email) => Ok(Self { email }),
            Err(message) => Err(vec![FieldError::new("email", message)]),
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::{PasswordResetRequest, RequestPasswordReset};
    use crate::{
        domain::FieldError,
        features::test_support::{body, described, fields},
    };

    fn parse(json: Value) -> Result<RequestPasswordReset, Vec<FieldError>> {
        RequestPasswordReset::try_from(body::<PasswordResetRequest>(json))
    }

    #[test]
    fn the_address_is_trimmed_and_lower_cased() {
        let command = parse(json!({"email": " Bob@Example.COM "})).unwrap();
        assert_eq!(command.email.as_str(), "bob@example.com");
    }

    #[test]
    fn a_missing_or_mistyped_address_is_a_field_error_naming_it() {
        assert_eq!(
            described(parse(json!({})).unwrap_err()),
            ["email: is required"]
        );
        let mistyped = parse(json!({"email": ["bob@example.com"]})).unwrap_err();
        assert_eq!(described(mistyped), ["email: must be a string"]);
    }

    #[test]
    fn an_invalid_address_is_a_field_error_naming_email() {
        let errors = parse(json!({"email": "not an address"})).unwrap_err();
        assert_eq!(fields(&errors), ["email"]);
    }
}
