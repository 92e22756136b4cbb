//! `PATCH /api/v1/users`: change the caller's username, e-mail or language.

mod command;
mod dto;
mod handler;
mod route;

pub(crate) use route::UpdateCurrentUserRoute;
