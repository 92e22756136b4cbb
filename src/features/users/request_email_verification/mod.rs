//! `POST /api/v1/users/email-verification`: mail the caller a fresh confirmation token.

mod command;
mod error;
mod handler;
mod route;

pub(crate) use route::RequestEmailVerificationRoute;
