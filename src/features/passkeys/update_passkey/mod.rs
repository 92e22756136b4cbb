//! `PATCH /api/v1/passkeys/{id}`: rename one of the caller's passkeys.

mod route;

pub(crate) use route::UpdatePasskeyRoute;
