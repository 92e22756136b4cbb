//! `GET /api/v1/users`: the caller's own account.

mod handler;
mod query;
mod route;

pub(crate) use route::GetCurrentUserRoute;
