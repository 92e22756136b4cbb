//! `DELETE /api/v1/admin/users/{id}/sessions`: end every session of an account at once.

mod command;
mod handler;
mod route;

pub(crate) use route::DeleteUserSessionsRoute;
