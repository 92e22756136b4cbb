//! `POST /api/v1/password-reset`: mail a password-reset token to an address, answering the
//! same whether or not an account has it.

mod command;
mod dto;
mod handler;
mod route;

pub(crate) use route::RequestPasswordResetRoute;
