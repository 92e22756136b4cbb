//! `DELETE /api/v1/admin/users/{id}`: delete any account but the caller's own.

mod command;
mod handler;
mod route;

pub(crate) use route::DeleteUserRoute;
