//! `POST /api/v1/passkeys/authentication`: the request options of a passkey sign-in, without
//! a username or as a password login's second step.

mod route;

pub(crate) use route::StartPasskeyAuthenticationRoute;
