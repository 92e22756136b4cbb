//! The concepts the slices share: what a login, a password or a single-use token means,
//! written once and used by every slice (and by `manage` and the worker) that needs it.
//! Nothing here knows HTTP: each module returns its own error type, which the HTTP boundary
//! converts (`http::error`, `http::refusals`), and takes exactly what it needs, never the
//! application state.

pub(crate) mod administration;
pub(crate) mod audit;
pub(crate) mod credentials;
pub(crate) mod email_confirmation;
pub(crate) mod mfa;
pub(crate) mod oauth_clients;
pub(crate) mod oidc;
pub(crate) mod passkeys;
pub(crate) mod password_policy;
pub(crate) mod password_reset;
pub(crate) mod sessions;
pub(crate) mod sign_in;
pub(crate) mod single_use_token;
