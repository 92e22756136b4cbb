//! `POST /oauth2/sign-in`: the hosted sign-in form's password.

mod dto;
mod handler;
mod route;

pub(crate) use route::SubmitSignInRoute;
