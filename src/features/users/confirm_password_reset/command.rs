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
