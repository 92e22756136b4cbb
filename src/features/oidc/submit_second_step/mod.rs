//! `POST /oauth2/sign-in/second-step`: the hosted sign-in's second step (a TOTP code or a
//! recovery code).

mod dto;
mod handler;
mod route;

pub(crate) use route::SubmitSecondStepRoute;
