use super::dto::ChangePasswordRequest;
use crate::domain::{FieldError, Password, Validator};

/// Replace the caller's password.
#[derive(Debug)]
pub(super) struct ChangePassword {
    /// Checked against the hash as given (no policy: old passwords keep working).
    pub current: Password,
    /// Follows the sign-up rules, and differs from `current`.
    pub new: Password,
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
        v.finish(|| {
            Some(Self {
                current: Password::unchecked(current?),
                new: new?,
            })
        })
    }
}
