use super::dto::ConfirmEmailRequest;
use crate::domain::FieldError;

/// Longer than any token we issue (43 characters): refused without a lookup.
pub(super) const MAX_TOKEN_LEN: usize = 128;

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
        let token = token.trim();
        Ok(
            (!token.is_empty() && token.len() <= MAX_TOKEN_LEN).then(|| Self {
                token: token.to_owned(),
            }),
        )
    }
}
