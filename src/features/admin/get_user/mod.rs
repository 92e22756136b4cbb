//! `GET /api/v1/admin/users/{id}`: any account, with its permissions and live sessions.

mod handler;
mod query;
mod route;

pub(crate) use route::GetUserRoute;
