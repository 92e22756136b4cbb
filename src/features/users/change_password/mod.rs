//! `PUT /api/v1/users/password`: change the caller's password, confirmed by the current one;
//! every other session ends.

mod command;
mod dto;
mod handler;
mod route;

pub(crate) use route::ChangePasswordRoute;
