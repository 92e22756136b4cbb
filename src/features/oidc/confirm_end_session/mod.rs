//! `POST /oauth2/logout`: the sign-out confirmation's form ends the browser session.

mod dto;
mod route;

pub(crate) use route::ConfirmEndSessionRoute;
