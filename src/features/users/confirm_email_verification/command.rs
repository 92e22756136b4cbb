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
