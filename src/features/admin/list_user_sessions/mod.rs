//! `GET /api/v1/admin/users/{id}/sessions`: any account's live sessions, newest first.

mod handler;
mod query;
mod route;

pub(crate) use route::ListUserSessionsRoute;
