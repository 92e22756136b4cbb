//! What this area's slices share: a passkey as its owner sees it, the options a ceremony
//! hands the browser, and a confirmation by password (and code).

use chrono::{DateTime, Utc};
use poem_openapi::Object;
use uuid::Uuid;

use crate::{
    domain::{FieldError, Password, Validator},
    http::{JsonString, OptionalString, StringRules},
    infra::db::entities::passkey,
};

/// A registered passkey.
#[derive(Object)]
pub(crate) struct PasskeyView {
    pub id: Uuid,
    /// The owner's name for it.
    pub name: String,
    pub created_at: DateTime<Utc>,
    /// The last sign-in or second step it answered; `null` when never used.
    #[oai(nullable)]
    pub last_used_at: Option<DateTime<Utc>>,
    /// Whether it may be synced to other devices (a cloud keychain) rather than bound to one
    /// authenticator.
    pub backup_eligible: bool,
    /// Whether it is synced (backed up) now.
    pub backed_up: bool,
    /// How the authenticator said it can be reached (`internal`, `usb`, `nfc`, `ble`,
    /// `hybrid`); empty when it did not say.
    pub transports: Vec<String>,
}

impl From<passkey::Model> for PasskeyView {
    fn from(row: passkey::Model) -> Self {
        Self {
            id: row.id,
            name: row.name,
            created_at: row.created_at,
            last_used_at: row.last_used_at,
            backup_eligible: row.backup_eligible,
            backed_up: row.backed_up,
            transports: row
                .transports
                .split(',')
                .filter(|t| !t.is_empty())
                .map(str::to_owned)
                .collect(),
        }
    }
}

/// Options for the browser's WebAuthn API, as WebAuthn Level 3's JSON: pass them to
/// `PublicKeyCredential.parseCreationOptionsFromJSON` / `parseRequestOptionsFromJSON` (or
/// decode the base64url members yourself) and call `navigator.credentials.create` / `get`.
#[derive(Object)]
pub(crate) struct WebAuthnOptions {
    /// `PublicKeyCredentialCreationOptionsJSON` or `PublicKeyCredentialRequestOptionsJSON`:
    /// `challenge`, `rp` / `rpId`, `user`, `excludeCredentials` / `allowCredentials`,
    /// `authenticatorSelection`, `userVerification`, `timeout`, `extensions`.
    #[oai(rename = "publicKey")]
    pub public_key: serde_json::Value,
}

/// A passkey's name: 1 to 64 characters, not all spaces, no control characters.
pub(super) struct PasskeyNameRules;

impl StringRules for PasskeyNameRules {
    const MIN_LENGTH: Option<usize> = Some(1);
    const MAX_LENGTH: Option<usize> = Some(64);
    // `char::is_control` (Unicode Cc) as a class, around one character that is not a space.
    const PATTERN: Option<&'static str> = Some(
        r"^[^\u0000-\u001F\u007F-\u009F]*[^\s\u0000-\u001F\u007F-\u009F][^\u0000-\u001F\u007F-\u009F]*$",
    );
}

/// A name checked against `PasskeyNameRules` as sent, then trimmed.
pub(super) fn passkey_name(raw: Result<String, String>) -> Result<String, String> {
    let raw = raw?;
    // It is shown in e-mails: no line breaks or other control characters to forge lines with.
    if raw.chars().any(char::is_control) {
        return Err("must not contain control characters".into());
    }
    if raw.chars().count() > 64 {
        return Err("must be at most 64 characters".into());
    }
    match raw.trim() {
        "" => Err("must not be blank".into()),
        name => Ok(name.to_owned()),
    }
}

/// A change to the passkeys, confirmed by the password and, with TOTP on, a code.
#[derive(Object)]
pub(super) struct ConfirmedByPassword {
    /// The account's current password.
    #[oai(write_only)]
    pub current_password: JsonString,
    /// Required when the account has TOTP: a code from the authenticator app (6 digits)
    /// or an unused recovery code (spent).
    #[oai(write_only)]
    pub code: OptionalString,
}

/// The password and code of a `ConfirmedByPassword` request, checked for presence only.
pub(super) struct Confirmation {
    pub password: Password,
    pub code: Option<String>,
}

impl TryFrom<ConfirmedByPassword> for Confirmation {
    type Error = Vec<FieldError>;

    fn try_from(request: ConfirmedByPassword) -> Result<Self, Self::Error> {
        let mut v = Validator::default();
        let password = v.check("current_password", request.current_password.value());
        let code = request.code.value().map(|code| v.check("code", code));
        v.finish(|| {
            Some(Self {
                password: Password::unchecked(password?),
                code: code.flatten(),
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::{Confirmation, ConfirmedByPassword, PasskeyNameRules, passkey_name};
    use crate::{
        features::test_support::{body, described},
        http::StringRules,
    };

    #[test]
    fn the_password_is_required_and_the_code_optional() {
        let missing = Confirmation::try_from(body::<ConfirmedByPassword>(json!({"code": 1})));
        assert_eq!(
            described(missing.err().unwrap()),
            ["current_password: is required", "code: must be a string"]
        );
        let given = body::<ConfirmedByPassword>(json!({"current_password": "pw"}));
        let parsed = Confirmation::try_from(given).ok().unwrap();
        assert_eq!((parsed.password.expose(), parsed.code), ("pw", None));
    }

    #[test]
    fn a_name_is_trimmed_and_one_to_64_characters() {
        assert_eq!(passkey_name(Ok("  Laptop ".into())), Ok("Laptop".into()));
        assert!(passkey_name(Ok("   ".into())).is_err());
        assert!(passkey_name(Ok("é".repeat(64))).is_ok());
        assert!(passkey_name(Ok("é".repeat(65))).is_err());
        for forged in ["Key\r\nBcc: x@example.com", "Key\u{0}", "a\tb"] {
            assert!(passkey_name(Ok(forged.into())).is_err(), "{forged:?}");
        }
    }

    /// Fuzzers and clients go by the document: what its pattern allows, the check accepts.
    #[test]
    fn the_documented_pattern_agrees_with_the_check() {
        let pattern = regex::Regex::new(PasskeyNameRules::PATTERN.unwrap()).unwrap();
        let samples = [
            "Laptop", " Phone ", "é", "a b", "   ", "", "\u{a0}", "Key\r\n", "\u{1e}x", "x\u{90}",
            "\u{7f}", "日本",
        ];
        for name in samples {
            let allowed = pattern.is_match(name) && (1..=64).contains(&name.chars().count());
            assert_eq!(allowed, passkey_name(Ok(name.into())).is_ok(), "{name:?}");
        }
    }
}
