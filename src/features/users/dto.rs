use chrono::{DateTime, Utc};
use poem_openapi::Object;
use uuid::Uuid;

use crate::{
    domain::{Email, Locale, Password, Username},
    http::StringRules,
    infra::db::entities::user,
};

/// A username's rules, as the document states them.
pub(super) struct UsernameRules;

impl StringRules for UsernameRules {
    const MIN_LENGTH: Option<usize> = Some(Username::MIN_LEN);
    const MAX_LENGTH: Option<usize> = Some(Username::MAX_LEN);
    const PATTERN: Option<&'static str> = Some(Username::PATTERN);
}

/// An e-mail address's rules (before trimming).
pub(super) struct EmailRules;

impl StringRules for EmailRules {
    const MAX_LENGTH: Option<usize> = Some(Email::MAX_LEN);
    const FORMAT: Option<&'static str> = Some("email");
}

/// A new password's rules. The limits are in bytes of UTF-8; the document can only count
/// characters, so it states the byte limits as character limits.
pub(super) struct PasswordRules;

impl StringRules for PasswordRules {
    const MIN_LENGTH: Option<usize> = Some(Password::MIN_BYTES);
    const MAX_LENGTH: Option<usize> = Some(Password::MAX_BYTES);
    const PATTERN: Option<&'static str> = Some(Password::PATTERN);
}

/// A language tag's rules (any case; stored in canonical case).
pub(super) struct LocaleRules;

impl StringRules for LocaleRules {
    const MIN_LENGTH: Option<usize> = Some(2);
    const MAX_LENGTH: Option<usize> = Some(Locale::MAX_LEN);
    const PATTERN: Option<&'static str> = Some(Locale::PATTERN);
    const EXAMPLE: Option<&'static str> = Some("de-AT");
}

/// Longer than any token we mail (43 characters): refused without a lookup.
pub(super) const MAX_TOKEN_LEN: usize = 128;

/// A mailed single-use token's rules (confirmation, password reset), as the document
/// states them.
pub(super) struct TokenRules;

impl StringRules for TokenRules {
    const MIN_LENGTH: Option<usize> = Some(1);
    const MAX_LENGTH: Option<usize> = Some(MAX_TOKEN_LEN);
}

/// The token from a mailed link, trimmed; `None` when it cannot be one we issued (empty or
/// overlong), so it is refused without a lookup.
pub(super) fn plausible_token(raw: &str) -> Option<String> {
    let token = raw.trim();
    (!token.is_empty() && token.len() <= MAX_TOKEN_LEN).then(|| token.to_owned())
}

/// A user account as its owner sees it.
#[derive(Debug, Object)]
pub(super) struct User {
    /// The account id (UUID v7).
    pub id: Uuid,
    /// 3 to 32 characters of `[A-Za-z0-9_.-]`, unique regardless of case.
    pub username: String,
    /// Lower-cased e-mail address.
    pub email: String,
    /// Whether the owner has confirmed the address.
    pub email_verified: bool,
    /// The account's language, a BCP 47 tag in canonical case (e.g. `de-AT`): the language
    /// of its e-mails; `null` when none was given.
    #[oai(nullable)]
    pub locale: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<user::Model> for User {
    fn from(model: user::Model) -> Self {
        Self {
            id: model.id,
            username: model.username,
            email: model.email,
            email_verified: model.email_verified,
            locale: model.locale,
            created_at: model.created_at,
            updated_at: model.updated_at,
        }
    }
}
