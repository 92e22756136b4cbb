//! `GET /api/v1/sessions`: the caller's live sessions, newest first, its own marked.

mod dto;
mod handler;
mod query;
mod route;

pub(crate) use route::ListSessionsRoute;
