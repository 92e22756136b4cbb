//! `DELETE /api/v1/sessions/{id}`: end one of the caller's sessions (another device's, say).

mod command;
mod error;
mod route;

pub(crate) use route::DeleteSessionRoute;
