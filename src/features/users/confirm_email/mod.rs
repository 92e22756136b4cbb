//! `POST /api/v1/users/email-verification/confirm`: confirm an address with the single-use
//! token mailed to it.

mod command;
mod dto;
mod handler;
mod route;

pub use command::ConfirmEmail;
pub use handler::confirm_email;
pub use route::ConfirmEmailRoute;
