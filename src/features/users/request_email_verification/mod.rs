//! `POST /api/v1/users/email-verification`: mail the caller a fresh confirmation token.

mod command;
mod handler;
mod route;

pub use command::RequestEmailVerification;
pub use handler::{queue_confirmation, request_email_verification};
pub use route::RequestEmailVerificationRoute;
