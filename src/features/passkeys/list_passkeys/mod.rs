//! `GET /api/v1/passkeys`: the caller's passkeys, a page at a time.

mod route;

pub(crate) use route::ListPasskeysRoute;
