//! `DELETE /api/v1/passkeys/{id}`: remove one of the caller's passkeys, confirmed by the
//! password (and code).

mod handler;
mod route;

pub(crate) use route::DeletePasskeyRoute;
