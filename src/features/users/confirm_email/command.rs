use super::dto::ConfirmEmailRequest;

/// Longer than any token we issue (43 characters): refused without a lookup.
const MAX_TOKEN_LEN: usize = 128;

/// Confirm the address a token was mailed to.
#[derive(Debug)]
pub(super) struct ConfirmEmail {
    pub token: String,
}

impl ConfirmEmail {
    /// `None` when the value cannot be a token we issued.
    pub(super) fn parse(request: ConfirmEmailRequest) -> Option<Self> {
        let token = request.token.as_str().trim();
        (!token.is_empty() && token.len() <= MAX_TOKEN_LEN).then(|| Self {
            token: token.to_owned(),
        })
    }
}
