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
