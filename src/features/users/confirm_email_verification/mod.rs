//! `POST /api/v1/users/email-verification/confirm`: confirm an address with the single-use
//! token mailed to it.

mod command;
mod dto;
mod error;
mod handler;
mod route;

pub(crate) use route::ConfirmEmailVerificationRoute;
