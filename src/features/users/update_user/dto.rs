use poem_openapi::Object;

use crate::{
    features::users::dto::{EmailRules, UsernameRules},
    http::OptionalString,
};

/// The fields to change; at least one.
#[derive(Object)]
pub(super) struct UpdateUserRequest {
    /// A new username: 3 to 32 characters of `[A-Za-z0-9_.-]`.
    pub username: OptionalString<UsernameRules>,
    /// A new e-mail address; changing it marks the address unverified.
    pub email: OptionalString<EmailRules>,
}
