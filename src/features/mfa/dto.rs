//! What this area's slices share: the recovery codes as shown once, and a confirmation by
//! password and second-factor code.

use poem_openapi::Object;

use crate::{
    domain::{FieldError, Password, Validator},
    http::JsonString,
};

/// New recovery codes, shown this once: only their hashes are kept.
#[derive(Object)]
pub(super) struct RecoveryCodes {
    /// Ten single-use codes (`xxxxx-xxxxx`), each good for one sign-in or one confirmation
    /// when the authenticator app is not at hand; typed with or without the dash, in either
    /// case. Earlier codes no longer work.
    pub recovery_codes: Vec<String>,
}

/// A change to the second factors, confirmed by the password and a current code.
#[derive(Object)]
pub(super) struct ConfirmedByCode {
    /// The account's current password.
    #[oai(write_only)]
    pub current_password: JsonString,
    /// A code from the authenticator app (6 digits) or an unused recovery code (spent).
    #[oai(write_only)]
    pub code: JsonString,
}

/// The password and code of a `ConfirmedByCode` request, checked for presence only.
pub(super) struct Confirmation {
    pub password: Password,
    pub code: String,
}

impl TryFrom<ConfirmedByCode> for Confirmation {
    type Error = Vec<FieldError>;

    fn try_from(request: ConfirmedByCode) -> Result<Self, Self::Error> {
        let mut v = Validator::default();
        let password = v.check("current_password", request.current_password.value());
        let code = v.check("code", request.code.value());
        v.finish(|| {
            Some(Self {
                password: Password::unchecked(password?),
                code: code?,
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::{Confirmation, ConfirmedByCode};
    use crate::features::test_support::{body, described};

    #[test]
    fn both_fields_are_required_and_named() {
        let missing = Confirmation::try_from(body::<ConfirmedByCode>(json!({}))).err();
        assert_eq!(
            described(missing.unwrap()),
            ["current_password: is required", "code: is required"]
        );
        let given = json!({"current_password": "pw", "code": "123456"});
        let parsed = Confirmation::try_from(body::<ConfirmedByCode>(given))
            .ok()
            .unwrap();
        assert_eq!(
            (parsed.password.expose(), parsed.code.as_str()),
            ("pw", "123456")
        );
    }
}
