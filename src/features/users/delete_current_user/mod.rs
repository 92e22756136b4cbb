//! `DELETE /api/v1/users`: delete the caller's account after confirming the password.

mod command;
mod dto;
mod handler;
mod route;

pub(crate) use route::DeleteCurrentUserRoute;
