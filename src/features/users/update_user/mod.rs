//! `PATCH /api/v1/users`: change the caller's username or e-mail.

mod command;
mod dto;
mod handler;
mod route;

pub use command::UpdateUser;
pub use handler::update_user;
pub use route::UpdateUserRoute;
