//! `POST /api/v1/password-reset/confirm`: set a new password with the single-use token from
//! the reset e-mail; every session of the account ends.

mod command;
mod dto;
mod error;
mod handler;
mod route;

pub(crate) use route::ConfirmPasswordResetRoute;
