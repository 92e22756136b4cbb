//! `POST /api/v1/users`: register an account.

mod command;
mod dto;
mod handler;
mod route;

pub use command::CreateUser;
pub use handler::create_user;
pub use route::CreateUserRoute;
