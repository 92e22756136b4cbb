//! `PATCH /api/v1/users`: change the caller's username or e-mail.

mod command;
mod dto;
mod handler;
mod route;

pub(crate) use route::UpdateCurrentUserRoute;
