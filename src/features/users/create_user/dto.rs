use poem_openapi::Object;

use crate::{
    features::users::dto::{EmailRules, LocaleRules, PasswordRules, UsernameRules},
    http::{JsonString, OptionalString},
};

/// A registration.
#[derive(Object)]
pub(super) struct CreateUserRequest {
    /// 3 to 32 characters of `[A-Za-z0-9_.-]`, unique regardless of case.
    pub username: JsonString<UsernameRules>,
    /// A valid address of at most 254 characters; stored trimmed and lower-cased.
    pub email: JsonString<EmailRules>,
    /// 8 to 72 bytes (UTF-8), no NUL characters, and hard to guess: zxcvbn must score it
    /// at least 3 of 4 (the default; the operator may choose another minimum), with the
    /// username and e-mail address counted as known words. When the service is configured
    /// with a breach lookup, a password found in a known data breach is refused too.
    #[oai(write_only)]
    pub password: JsonString<PasswordRules>,
    /// The account's language, a BCP 47 tag (e.g. `de-AT`; language, then optionally script,
    /// region and variants; no extensions), stored in canonical case: the language of its
    /// e-mails. Left out: the request's `Accept-Language` (its most preferred tag of that
    /// form), else none.
    pub locale: OptionalString<LocaleRules>,
}
