//! `DELETE /api/v1/sessions`: end every session of the caller's but the current one.

mod command;
mod route;

pub(crate) use route::DeleteOtherSessionsRoute;
