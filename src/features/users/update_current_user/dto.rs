use poem_openapi::Object;

use crate::{
    features::users::dto::{EmailRules, LocaleRules, UsernameRules},
    http::OptionalString,
};

/// The fields to change; at least one.
#[derive(Object)]
pub(super) struct UpdateUserRequest {
    /// A new username: 3 to 32 characters of `[A-Za-z0-9_.-]`.
    pub username: OptionalString<UsernameRules>,
    /// A new e-mail address, bare (`name@example.com`: no display name, brackets, quotes,
    /// spaces or control characters); changing it needs `current_password` and marks the
    /// address unverified.
    pub email: OptionalString<EmailRules>,
    /// A new language for the account, a BCP 47 tag (e.g. `de-AT`; language, then optionally
    /// script, region and variants; no extensions), stored in canonical case: the language of
    /// its e-mails.
    pub locale: OptionalString<LocaleRules>,
    /// The account's current password: required when `email` changes the address (a wrong
    /// one counts as a failed login); ignored otherwise.
    #[oai(write_only)]
    pub current_password: OptionalString,
    /// With `current_password`, when the account has a second factor: a code from the
    /// authenticator app (6 digits) or an unused recovery code (spent).
    #[oai(write_only)]
    pub code: OptionalString,
}
