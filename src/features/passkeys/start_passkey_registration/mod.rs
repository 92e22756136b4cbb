//! `POST /api/v1/passkeys/registration`: the creation options of a new passkey, once the
//! password (and code) confirm it is the owner.

mod route;

pub(crate) use route::StartPasskeyRegistrationRoute;
