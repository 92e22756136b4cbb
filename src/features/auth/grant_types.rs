//! The grant types the token endpoint takes, as its request and the RFC 8414 metadata name
//! them.

/// The second step of a login (an extension grant, RFC 6749 section 4.5).
pub(super) const MFA: &str = "urn:accounts-api:params:oauth:grant-type:mfa";

/// A sign-in with a passkey alone (an extension grant).
pub(super) const PASSKEY: &str = "urn:accounts-api:params:oauth:grant-type:passkey";

/// Every grant type, the default (`password`) first.
pub(super) const SUPPORTED: &[&str] = &["password", "refresh_token", MFA, PASSKEY];
