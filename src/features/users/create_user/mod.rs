//! `POST /api/v1/users`: register an account.

mod command;
mod dto;
mod handler;
mod route;

pub(crate) use route::CreateUserRoute;
