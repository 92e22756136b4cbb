//! `POST /api/v1/passkeys`: the authenticator's answer to a registration, stored as a
//! passkey.

mod handler;
mod route;

pub(crate) use route::CreatePasskeyRoute;
